"""The shape of the code, enforced: engines are pure; only storage knows SQL; skins are thin."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "beltroad"


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved to absolute names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ["beltroad", *path.relative_to(SRC).parts[:-1]] if path.is_relative_to(SRC) else []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            found.add(".".join([*base, node.module] if node.module else base))
            if not node.module:  # from . import x: x may be a module of that package
                found.update(".".join([*base, alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "beltroad":  # from beltroad import api
                found.update(f"beltroad.{alias.name}" for alias in node.names)
    return found


def modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def banned(found: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(
        name for name in found if any(name == p or name.startswith(p + ".") for p in prefixes)
    )


ENGINE_BANS = (
    "beltroad.storage",
    "beltroad.web",
    "beltroad.cli",
    "beltroad.services",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "typer",
    "uvicorn",
)


@pytest.mark.parametrize("path", modules("engines"), ids=lambda p: p.name)
def test_engines_are_pure(path: Path) -> None:
    assert banned(imports_of(path), ENGINE_BANS) == []


@pytest.mark.parametrize("path", modules("reference"), ids=lambda p: p.name)
def test_reference_facts_are_pure(path: Path) -> None:
    assert banned(imports_of(path), ENGINE_BANS) == []


def sqlalchemy_names(path: Path) -> set[str]:
    """What a module takes from sqlalchemy: 'sqlalchemy.X' for each imported name X."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(
                a.name for a in node.names if a.name.split(".")[0] in ("sqlalchemy", "alembic")
            )
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.split(".")[0] in ("sqlalchemy", "alembic")
        ):
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


# Services may pass a connection or an engine handle along; building SQL is storage's job.
HANDLES = {"sqlalchemy.Connection", "sqlalchemy.Engine", "sqlalchemy.engine.make_url"}


def test_only_storage_knows_sql() -> None:
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if parts[0] == "storage":
            continue
        allowed = HANDLES if parts[0] == "services" else set()
        extra = sorted(sqlalchemy_names(path) - allowed)
        assert extra == [], f"{path.relative_to(SRC)} imports {extra}: SQL belongs in storage"


def test_cli_and_web_do_not_touch_storage_directly() -> None:
    for package in ("cli", "web"):
        for path in modules(package):
            found = banned(imports_of(path), ("beltroad.storage", "beltroad.engines"))
            assert found == [], f"{path.relative_to(SRC)} imports {found}: go through services"


def test_errors_settings_progress_import_nothing_of_ours() -> None:
    for name in ("errors.py", "progress.py", "spreadsheet.py"):
        assert banned(imports_of(SRC / name), ("beltroad",)) == []
    assert banned(imports_of(SRC / "settings.py"), ("beltroad",)) == ["beltroad.errors"]


def test_the_test_catches_an_impure_engine(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from beltroad.storage import models\nimport sqlalchemy as sa\n")
    assert banned(imports_of(bad), ENGINE_BANS) == ["beltroad.storage", "sqlalchemy"]


# --- the layer table -----------------------------------------------------------------------
#: Which of beltroad's units (a package, or a top-level module) each unit may import. One table
#: for the whole tree: a unit missing here, or an import not listed, fails the test below.
#: Lower layers first; a unit may always import itself.
LAYERS: dict[str, frozenset[str]] = {
    # foundations: import nothing of ours (settings only its errors)
    "errors": frozenset(),
    "progress": frozenset(),
    "spreadsheet": frozenset(),
    "records": frozenset(),
    "settings": frozenset({"errors"}),
    "executors": frozenset({"errors"}),
    "reference": frozenset({"errors"}),
    "entity_kinds": frozenset(),
    "entities": frozenset({"entity_kinds", "reference"}),
    "datasets": frozenset({"errors", "progress"}),
    "config": frozenset(),  # data files only
    "scenarios": frozenset(),  # data files only
    # pure computation
    "engines": frozenset({"errors", "records", "reference"}),
    # readers and writers of files, the data dir and the database
    "network": frozenset({"engines", "errors", "reference"}),
    "ingest": frozenset(
        {"datasets", "entities", "errors", "progress", "records", "reference", "spreadsheet"}
    ),
    "export": frozenset({"entities", "errors", "ingest", "records", "reference", "spreadsheet"}),
    "storage": frozenset({"engines", "errors", "records", "reference"}),
    "analytics": frozenset({"engines", "errors", "records", "reference", "storage"}),
    # use cases: the one API every skin calls
    "services": frozenset(
        {
            "analytics",
            "datasets",
            "engines",
            "entities",
            "errors",
            "executors",
            "export",
            "ingest",
            "network",
            "progress",
            "records",
            "reference",
            "scenarios",
            "settings",
            "spreadsheet",
            "storage",
        }
    ),
    # skins
    "api": frozenset({"errors", "services", "settings"}),
    # the brief: renders what the services gathered (HTML, then PDF)
    "report": frozenset({"errors", "services", "settings"}),
    "web": frozenset({"entities", "errors", "reference", "report", "services", "settings"}),
    "cli": frozenset(
        {
            "entities",
            "entity_kinds",
            "errors",
            "reference",
            "report",
            "services",
            "settings",
            "spreadsheet",
            "web",
        }
    ),
    "__init__": frozenset({"api", "errors", "settings"}),
}


def unit_of(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 else path.stem


def units_imported(path: Path) -> set[str]:
    """The beltroad units ``path`` imports (relative imports included), other than its own."""
    found = {name.split(".")[1] for name in imports_of(path) if name.startswith("beltroad.")}
    return found - {unit_of(path)}


def test_the_layer_table_names_every_unit() -> None:
    units = {unit_of(p) for p in SRC.rglob("*.py")} | {
        p.name for p in SRC.iterdir() if p.is_dir() and not p.name.startswith("_")
    }
    assert units - set(LAYERS) == set(), "add the new unit to LAYERS"
    assert set(LAYERS) - units == set(), "a unit in LAYERS no longer exists"
    for unit, allowed in LAYERS.items():
        assert allowed <= set(LAYERS), f"{unit} may import an unknown unit"


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_every_import_follows_the_layer_table(path: Path) -> None:
    unit = unit_of(path)
    extra = sorted(units_imported(path) - LAYERS[unit])
    assert extra == [], f"{unit} may not import {extra} (see LAYERS)"


def test_relative_imports_are_resolved() -> None:
    probe = SRC / "engines" / "_probe.py"  # never written: only its place in the tree counts
    source = "from ..storage import models\nfrom . import money\nfrom .money import to_usd\n"
    found = _imports_as_if(probe, source)
    assert {"beltroad.storage", "beltroad.engines.money", "beltroad.engines"} <= found
    with pytest.raises(AssertionError):  # an engine reaching storage relatively is caught
        assert {n.split(".")[1] for n in found} - {"engines"} <= LAYERS["engines"]


def _imports_as_if(path: Path, source: str) -> set[str]:
    """imports_of for ``source`` as if it were the file at ``path`` inside the tree."""
    import unittest.mock

    with unittest.mock.patch.object(Path, "read_text", return_value=source):
        return imports_of(path)
