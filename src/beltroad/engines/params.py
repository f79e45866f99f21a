"""Reading the platform's tagged parameter tables (config/*.toml), checked.

standards.md §0: every number that is not verified is a named, overridable parameter with its
citation. In beltroad's TOML files each table that holds parameters carries a ``tags`` table
giving, per key, a verification tag (``[V]``, ``[S]``, ``[M]``, ``[N]``) and its source. This
module is the one place that checks that, so that each engine's parser stays short.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from beltroad.errors import InvalidInput

TAGS = ("[V]", "[S]", "[M]", "[N]")


class Section:
    """One TOML table, read with its file and dotted path in every error message."""

    def __init__(self, data: Any, path: str, source: str) -> None:
        if not isinstance(data, Mapping):
            raise InvalidInput.at("expected a table", file=source, field=path or "(top)")
        self.data: Mapping[str, Any] = data
        self.path = path
        self.source = source

    def _field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, value: object, reason: str) -> InvalidInput:
        return InvalidInput.at(reason, file=self.source, field=self._field(key), value=value)

    def section(self, key: str) -> Section:
        if key not in self.data:
            raise self.fail(key, None, "missing table")
        return Section(self.data[key], self._field(key), self.source)

    def sections(self, key: str) -> list[Section]:
        """An array of tables (``[[key]]``)."""
        items = self.data.get(key, [])
        if not isinstance(items, list):
            raise self.fail(key, items, "expected an array of tables")
        return [
            Section(item, f"{self._field(key)}[{i}]", self.source) for i, item in enumerate(items)
        ]

    def get(self, key: str, kind: type, default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self.fail(key, None, f"missing (expected {kind.__name__})")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise self.fail(key, value, f"expected {kind.__name__}")
        return value

    def number(self, key: str, *, low: float | None = None, high: float | None = None) -> float:
        """A tagged number within ``low..high``."""
        value = float(self.get(key, float))
        if (low is not None and value < low) or (high is not None and value > high):
            raise self.fail(key, value, f"expected a number in {low}..{high}")
        self.tag(key)
        return value

    def tag(self, key: str) -> str:
        """The verification tag and citation of ``key``; refused when missing."""
        tags = self.data.get("tags", {})
        tag = tags.get(key) if isinstance(tags, Mapping) else None
        if not isinstance(tag, str) or not tag.startswith(TAGS):
            raise self.fail(
                f"tags.{key}",
                tag,
                "every parameter needs a tag starting with [V], [S], [M] or [N] and its source",
            )
        return tag

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> str:
        value = self.get(key, str, default)
        if value not in options:
            raise self.fail(key, value, f"expected one of {', '.join(options)}")
        return str(value)

    def unknown(self, allowed: set[str]) -> None:
        extra = sorted(set(self.data) - allowed - {"tags"})
        if extra:
            raise self.fail(extra[0], None, f"unknown key (expected {', '.join(sorted(allowed))})")


__all__ = ["TAGS", "Section"]
