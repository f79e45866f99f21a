"""No module outside ``beltroad.cli`` speaks the command line's language (issue #13).

Services, engines and storage name *fields* (``base_year``); only the CLI knows them as options
(``--base-year``) and maps one to the other in its single error wrapper. A web route or a
notebook on these modules must never see an error about ``--filter``. Docstrings may still say
which option a behaviour belongs to; every other string may not name an option.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "beltroad"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def flag_literals(source: str) -> list[tuple[int, str]]:
    """(line, option) for every option named in a string that is not a docstring."""
    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, flag)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        for flag in FLAG.findall(node.value)
    ]


def non_cli_modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] != "cli")


def test_the_scan_finds_a_flag_and_skips_docstrings() -> None:
    source = '"""Use ``--rule``."""\nraise X(field="--pairs")\nhint = "drop -- it"\n'
    assert flag_literals(source) == [(2, "--pairs")]


@pytest.mark.parametrize("path", non_cli_modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_flag_literal_outside_the_cli(path: Path) -> None:
    assert flag_literals(path.read_text(encoding="utf-8")) == []
