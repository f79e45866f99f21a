"""beltroad.reference: docstring examples run; the modules stay free of other layers."""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

MODULES = ["iati", "corridors", "passages", "countries", "reported"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"beltroad.reference.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_reference_modules_import_no_other_beltroad_layer(name: str) -> None:
    module = importlib.import_module(f"beltroad.reference.{name}")
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("beltroad")
    }
    other_layers = {m for m in imported if not m.startswith("beltroad.reference")}
    assert other_layers <= {"beltroad.errors"}
