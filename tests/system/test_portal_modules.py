"""The portal's ES modules (web/public/js) form no import circle: every `import ... from "..."`,
`export ... from "..."` and `import("...")` (the pages routes.js loads when first shown), read from the
files themselves. Pages and layout.js use the `navigate` the router hands them, never an import of
router.js (issue 28)."""

import re
from pathlib import Path, PurePosixPath

from tools.local.local_stack import ROOT

JS = ROOT / "web" / "public" / "js"
# Static imports and re-exports (over several lines too), side-effect imports, dynamic imports.
IMPORT = re.compile(
    r"""(?:^|[;\s])(?:import|export)\s[^;'"]*?\sfrom\s*["']([^"']+)["']"""
    r"""|(?:^|[;\s])import\s*["']([^"']+)["']"""
    r"""|\bimport\s*\(\s*["']([^"']+)["']\s*\)""",
    re.MULTILINE,
)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)


def imports_of(source: str) -> list[str]:
    code = COMMENT.sub("", source)
    return [next(group for group in found.groups() if group) for found in IMPORT.finditer(code)]


def graph(root: Path) -> dict[str, set[str]]:
    """Each module (its path under `root`) and the modules of `root` it imports."""
    edges: dict[str, set[str]] = {}
    for file in sorted(root.rglob("*.js")):
        name = file.relative_to(root).as_posix()
        targets = set()
        for specifier in imports_of(file.read_text(encoding="utf-8")):
            if specifier.startswith("."):
                resolved = PurePosixPath(name).parent / specifier
                parts: list[str] = []
                for part in resolved.parts:
                    if part == "..":
                        parts.pop()
                    elif part != ".":
                        parts.append(part)
                targets.add("/".join(parts))
        edges[name] = targets
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle found by a depth-first walk (each as the modules from one back to itself)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = "open"
        stack.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == "open":
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module)
    return found


def test_the_reader_finds_every_form_of_import():
    source = """
        // import { nothing } from "./commented.js";
        import { a, b } from "./a.js";
        import {
          c,
        } from "../c.js";
        import * as d from './d.js';
        import "./side-effect.js";
        export { e } from "./e.js";
        const page = () => import("./pages/f.js");
        /* import { g } from "./g.js"; */
    """
    assert imports_of(source) == ["./a.js", "../c.js", "./d.js", "./side-effect.js", "./e.js", "./pages/f.js"]


def test_a_circle_is_found_through_a_dynamic_import(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "router.js").write_text('import { routes } from "./routes.js";\n')
    (tmp_path / "routes.js").write_text('export const routes = [() => import("./pages/home.js")];\n')
    (tmp_path / "pages" / "home.js").write_text('import { navigate } from "../router.js";\n')
    (tmp_path / "dom.js").write_text("export const h = 1;\n")
    assert circles(graph(tmp_path)) == [["pages/home.js", "router.js", "routes.js", "pages/home.js"]]


def test_the_portal_s_modules_form_no_import_circle():
    edges = graph(JS)
    assert "router.js" in edges and "pages/delegation.js" in edges
    assert "pages/activation.js" in edges["routes.js"]  # the dynamic imports are read
    assert circles(edges) == []


def test_only_the_entry_point_imports_the_router():
    importers = sorted(name for name, targets in graph(JS).items() if "router.js" in targets)
    assert importers == ["main.js"]
