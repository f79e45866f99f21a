"""Every docstring example outside ``beltroad.reference`` (IATI codelist data) runs, and passes.

Examples that need a database or the network say ``# doctest: +SKIP``; the rest are checked
here, so a docstring cannot drift from the code it describes.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "beltroad"
SKIPPED_PACKAGES = ("reference", "migrations")


def module_names() -> list[str]:
    names = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if any(part in SKIPPED_PACKAGES for part in parts) or parts[-1] == "__main__":
            continue
        dotted = ["beltroad", *parts]
        if dotted[-1] == "__init__":
            dotted.pop()
        if ">>>" in path.read_text(encoding="utf-8"):
            names.append(".".join(dotted))
    return names


def examples(module_name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(module_name)
    return [t for t in doctest.DocTestFinder().find(module, module_name) if t.examples]


def test_the_docstring_examples_are_found() -> None:
    found = sum(len(examples(name)) for name in module_names())
    assert found >= 80  # 86 docstrings with examples outside reference/ at the time of writing


@pytest.mark.parametrize("module_name", module_names())
def test_docstring_examples_run(module_name: str) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in examples(module_name):
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} docstring example(s) failed in {module_name}"
