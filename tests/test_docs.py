"""Every command and every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from beltroad.cli.main import app
from beltroad.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def leaf_commands() -> dict[str, object]:
    """'init', 'data pull', ...: every leaf command of the CLI, by its path."""
    found: dict[str, object] = {}

    def walk(command: object, prefix: str) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, f"{prefix} {name}".strip())
        else:
            found[prefix] = command

    walk(typer.main.get_command(app), "")
    return found


def command_paths() -> list[str]:
    return list(leaf_commands())


def test_every_command_has_a_docs_section() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## beltroad (.+)$", text, flags=re.M))
    missing = [path for path in command_paths() if path not in headings]
    assert missing == [], f"document these commands in docs/cli.md: {missing}"


def test_every_documented_command_exists() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## beltroad (.+)$", text, flags=re.M))
    assert headings <= set(command_paths())


def test_every_option_of_every_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    for param in root.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt != "--help":
                assert f"`{opt}" in text, f"global option {opt} is not in docs/cli.md"
    for name, command in leaf_commands().items():
        section = text.split(f"## beltroad {name}\n", 1)[1].split("\n## ", 1)[0]
        for param in getattr(command, "params", []):
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}" in section, f"{opt} of `{name}` is not in its docs section"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert f"| `{name}` | `BELTROAD_{name.upper()}` |" in text, f"setting {name} undocumented"
        assert field.description, f"setting {name} has no description"
