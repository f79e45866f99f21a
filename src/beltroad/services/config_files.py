"""The packaged parameter files (``beltroad/config/*.toml``) with a user's file merged over them."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from beltroad.engines.risk_config import merge
from beltroad.errors import InvalidInput


def _read(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.at(f"not valid TOML ({exc})", file=source) from None


def load(name: str, path: Path | str | None, *, field: str) -> tuple[dict[str, Any], str]:
    """``config/NAME.toml`` as a mapping, with the TOML file at ``path`` merged over it, and a
    label of where it came from. ``field`` names the setting in errors (the CLI maps it)."""
    packaged = f"beltroad/config/{name}.toml"
    text = resources.files("beltroad").joinpath(f"config/{name}.toml").read_text(encoding="utf-8")
    data = _read(text, packaged)
    if path is None:
        return data, packaged
    file = Path(path)
    if not file.is_file():
        raise InvalidInput.at(
            "config file not found (expected a TOML file)", file=str(file), field=field
        )
    return merge(
        data, _read(file.read_text(encoding="utf-8"), str(file))
    ), f"{file} over {packaged}"


__all__ = ["load"]
