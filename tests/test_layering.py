"""The one-way flow of the layout (docs/architecture.md): raw files -> etl/ -> warehouse/ ->
dashboard/ -> pages/. A lower layer never imports a higher one; settings both sides need live in
warehouse/settings.py."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# layer -> the top-level packages it must never import
FORBIDDEN = {"etl": {"dashboard", "pages"}, "warehouse": {"etl", "dashboard", "pages"}}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_lower_layer_never_imports_a_higher_one(layer):
    wrong = {
        str(p.relative_to(ROOT)): sorted(imported_packages(p) & FORBIDDEN[layer])
        for p in sorted((ROOT / layer).rglob("*.py"))
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_check_sees_an_import_written_either_way(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("import dashboard.settings\nfrom pages import x\nfrom . import y\n")
    assert imported_packages(f) == {"dashboard", "pages"}
