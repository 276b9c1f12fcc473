"""The toolkit stands alone: no module under sidebyside/ imports the test suite."""

import ast
from pathlib import Path

import sidebyside

PACKAGE = Path(sidebyside.__file__).resolve().parent


def imported_modules(source: Path) -> set[str]:
    """Every module an import statement in the file names, lazy imports included."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_no_toolkit_module_imports_tests():
    offenders = {
        str(path.relative_to(PACKAGE.parent)): sorted(
            name for name in imported_modules(path) if name == "tests" or name.startswith("tests.")
        )
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_a_lazy_import(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from tests.targets import load_target\n    import tests\n")
    assert imported_modules(module) == {"tests.targets", "tests"}
