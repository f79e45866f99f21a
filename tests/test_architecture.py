"""The shape of the code, enforced: engines are pure; only storage knows SQL; skins are thin."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "beltroad"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
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
