"""The store's shape: one object that gives every domain module what its Protocol names, and a store
that depends on the domain's vocabulary only, never on its rules."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Protocol

import pytest

import chalicelib.domain
from chalicelib.store import Store

STORE_FOLDER = Path(__file__).resolve().parents[2] / "chalicelib" / "store"
# What the store may import from the domain: its vocabulary (states, the conflicts it raises).
DOMAIN_VOCABULARY = {"chalicelib.domain.states", "chalicelib.domain.errors"}


def domain_protocols() -> list[type]:
    found = []
    for module_info in pkgutil.iter_modules(chalicelib.domain.__path__):
        module = importlib.import_module(f"chalicelib.domain.{module_info.name}")
        for _, value in vars(module).items():
            if inspect.isclass(value) and Protocol in value.__mro__[1:] and value.__module__ == module.__name__:
                found.append(value)
    return found


def protocol_methods(protocol: type) -> dict[str, object]:
    methods = {}
    for klass in reversed(protocol.__mro__):
        if Protocol in klass.__mro__[1:] and klass is not Protocol:
            methods.update(
                {
                    name: value
                    for name, value in vars(klass).items()
                    if inspect.isfunction(value) and not name.startswith("__")
                }
            )
    return methods


def test_every_domain_module_that_uses_the_store_names_what_it_uses():
    names = {protocol.__name__ for protocol in domain_protocols()}
    assert {
        "RegistrationStore",
        "CaptchaStore",
        "ActivationStore",
        "LoginStore",
        "SessionStore",
        "RecoveryStore",
        "AccountStore",
        "PasswordChangeStore",
        "HistoryStore",
        "HoursStore",
        "DossierStore",
        "CleanupStore",
        "FeedbackStore",
    } <= names


@pytest.mark.parametrize("protocol", domain_protocols(), ids=lambda protocol: protocol.__name__)
def test_the_store_gives_each_protocol_its_methods_with_the_same_parameters(protocol):
    for name, method in protocol_methods(protocol).items():
        assert hasattr(Store, name), f"{protocol.__name__}.{name} is not a method of Store"
        wanted = [(p.name, p.kind) for p in inspect.signature(method).parameters.values()]
        given = [(p.name, p.kind) for p in inspect.signature(getattr(Store, name)).parameters.values()]
        assert given == wanted, f"{protocol.__name__}.{name}"


def test_the_store_imports_the_domain_s_vocabulary_only():
    for path in STORE_FOLDER.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and (node.module or "").startswith("domain"):
                assert f"chalicelib.{node.module}" in DOMAIN_VOCABULARY, f"{path.name} imports chalicelib.{node.module}"


def test_the_domain_reads_no_table_internals():
    """Keys, prefixes and the history cursor belong to the store; the domain does not know the table."""
    domain_folder = STORE_FOLDER.parent / "domain"
    for path in domain_folder.glob("*.py"):
        source = path.read_text()
        assert "from ..table" not in source, path.name
        for prefix in ("EVENEMENT#", "COMPTE#", "DOSSIER#", "SESSION#"):
            assert prefix not in source, path.name
