"""The layout's import directions, read from the code itself (every import statement, at any depth).

apps → framework (`apikit`), `mobile_api` → `inspections`, `backend` (the composition root) → everything;
inside `inspections`, pages and GraphQL → services → models, and the pure image code (`inspections.cctv`)
knows no ORM. Any other arrow fails here with the file and line that drew it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (importing package, imported package prefix): never allowed.
FORBIDDEN = [
    ("apikit", "inspections"),
    ("apikit", "mobile_api"),
    ("apikit", "backend"),
    ("inspections", "backend"),
    ("inspections", "mobile_api"),
    ("mobile_api", "backend"),
    ("inspections.services", "inspections.graphql"),
    ("inspections.services", "inspections.web"),
    ("inspections.models", "inspections.services"),
    ("inspections.models", "inspections.graphql"),
    ("inspections.models", "inspections.web"),
    ("inspections.cctv", "inspections.models"),
    ("inspections.cctv", "inspections.services"),
    ("inspections.cctv", "django.db"),
    ("inspections.graphql", "inspections.web"),
    ("inspections.web", "inspections.graphql"),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path):
    """(line, imported module) for every import in the file, relative ones resolved."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # `from inspections import services` imports inspections.services
                yield node.lineno, f"{target}.{alias.name}"


def source_files():
    for package in ("apikit", "backend", "inspections", "mobile_api"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_walk_sees_every_kind_of_import(tmp_path, monkeypatch):
    """The checker itself: relative, nested and from-package imports are all read."""
    sample = ROOT / "inspections" / "web" / "__init__.py"
    assert module_name(sample) == "inspections.web"
    fake = ROOT / "inspections" / "services" / "_layout_probe.py"
    fake.write_text("def f():\n    from ..graphql import lookups\n    import backend.schema\n")
    try:
        seen = {name for _, name in imports_of(fake)}
    finally:
        fake.unlink()
    assert {"inspections.graphql", "inspections.graphql.lookups", "backend.schema"} <= seen


@pytest.mark.parametrize("importer,imported", FORBIDDEN, ids=[f"{a}->{b}" for a, b in FORBIDDEN])
def test_no_import_runs_against_the_layout(importer, imported):
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in source_files()
        if within(module_name(path), importer)
        for line, name in imports_of(path)
        if within(name, imported)
    ]
    assert offences == []


def test_the_root_schema_composes_every_domain():
    """Each domain's schema module is wired in by backend/schema.py, and by nothing else of the apps."""
    domains = sorted(module_name(p) for p in (ROOT / "inspections" / "graphql").glob("*/schema.py"))
    domains.append("mobile_api.graphql.schema")
    composed = {name for _, name in imports_of(ROOT / "backend" / "schema.py")}
    assert [d for d in domains if d not in composed] == []
    others = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in source_files()
        if not within(module_name(path), "backend")
        for _, name in imports_of(path)
        if name in domains and name != module_name(path)
    ]
    assert others == []
