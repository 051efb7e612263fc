"""The layers: a store that depends on the domain's vocabulary only (its states, its errors, its
records), never on its rules; a domain that knows nothing of the table. That `Store` gives every
domain Protocol what it names is mypy's to check (`make typecheck`)."""

import ast
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
STORE_FOLDER = CHALICELIB / "store"
DOMAIN_FOLDER = CHALICELIB / "domain"
# What the store may import from the domain: its vocabulary (states, the conflicts it raises, the records).
DOMAIN_VOCABULARY = ("domain.states", "domain.errors", "domain.records")


def imports_from(path: Path) -> list[tuple[int, str]]:
    """(level, module) of every `from ... import` of a file."""
    tree = ast.parse(path.read_text())
    return [(node.level, node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]


def test_the_store_imports_the_domain_s_vocabulary_only():
    for path in STORE_FOLDER.glob("*.py"):
        for level, module in imports_from(path):
            if level == 2 and module.startswith("domain"):
                assert module.startswith(DOMAIN_VOCABULARY), f"{path.name} imports chalicelib.{module}"


def test_the_domain_reads_no_table_internals():
    """Keys, prefixes, attribute names and the history cursor belong to the store; the domain does
    not import it, nor the table's definition."""
    for path in DOMAIN_FOLDER.rglob("*.py"):
        source = path.read_text()
        for level, module in imports_from(path):
            absolute = module if level == 0 else f"{'.' * level}{module}"
            assert "store" not in absolute.split(".") and "table" not in absolute.split("."), (path.name, absolute)
        for internal in ("EVENEMENT#", "COMPTE#", "DOSSIER#", "SESSION#", "expire_ttl", "envois_courriel"):
            assert internal not in source, (path.name, internal)


def test_records_know_nothing_but_themselves():
    """The records are the vocabulary both sides share: they import no rule, no store, no library."""
    for path in (DOMAIN_FOLDER / "records").glob("*.py"):
        for level, module in imports_from(path):
            assert level == 1 or module in ("dataclasses", "datetime", "typing"), (path.name, module)


def test_the_record_classes_stand_side_by_side_on_the_table_access():
    """No record class inherits another: what they share is in store/actions.py, so a reader never
    walks an inheritance chain to find where a method comes from."""
    from chalicelib.store.base import TableAccess
    from chalicelib.store.store import Store

    record_classes = [cls for cls in Store.__mro__ if cls.__name__.endswith("Records")]
    assert len(record_classes) >= 10
    for cls in record_classes:
        assert cls.__bases__ == (TableAccess,), f"{cls.__name__} inherits {cls.__bases__}"


def test_each_records_module_has_its_codec():
    records = {path.stem for path in (DOMAIN_FOLDER / "records").glob("*.py")} - {"__init__", "people"}
    codecs = {path.stem.removesuffix("_items") for path in STORE_FOLDER.glob("*_items.py")}
    singular = {name if name == "hours" else name.removesuffix("s") for name in records}
    assert singular == codecs, (sorted(singular), sorted(codecs))
