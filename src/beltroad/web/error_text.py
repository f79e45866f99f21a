"""Service errors in the user's language (issue #16 part 5: "every string a user sees is
translated, including errors").

Services raise English messages built from fixed phrases and values (``no project P-1 (or it
is outside your scope)``). :data:`PATTERNS` recognises the common fixed phrases and gives each a
catalogue entry with placeholders, so the page shows the phrase translated and the values
(identifiers, names, numbers) as they are. A message no pattern knows is shown as it is, under
a translated heading, with the note that it is in English. Field problems
(:class:`beltroad.errors.FieldProblem`) are shown as a table whose field names are translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from beltroad.errors import BeltroadError, InvalidInput

#: English message (a full match) -> catalogue entry with ``%(name)s`` placeholders.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(regex), msgid)
    for regex, msgid in (
        (r"no (?P<what>[\w ]+?) (?P<key>\S+) \(or it is outside your scope\)",
         "no %(what)s %(key)s (or it is outside your scope)"),
        (r"no public project (?P<key>.+)", "no public project %(key)s"),
        (r"no such page", "no such page"),
        (r"please log in", "please log in"),
        (r"wrong login or password", "wrong login or password"),
        (r"(?P<who>\S+) may not (?P<action>.+)", "%(who)s may not %(action)s"),
        (r"(?P<key>\S+) was changed by someone else meanwhile",
         "%(key)s was changed by someone else meanwhile"),
        (r"expected 1 to (?P<n>[\d,]+)", "expected 1 to %(n)s"),
        (r"expected a whole number", "expected a whole number"),
        (r"a number in the request is out of range \(at most (?P<n>\d+)\)",
         "a number in the request is out of range (at most %(n)s)"),
        (r"the service's data store is unavailable", "the service's data store is unavailable"),
        (r"no project (?P<key>.+)", "no project %(key)s"),
        (r"no project identifier given", "no project identifier given"),
    )
)  # fmt: skip

#: Hints the services attach, translated whole.
HINTS: tuple[str, ...] = (
    "try again later",
    "reload and retry",
    "nothing was changed",
    "public mode is off",
    "your session is missing or has expired",
)

#: Words a pattern's placeholder may hold that are themselves translated (the record kinds).
WORDS: tuple[str, ...] = (
    "project", "plan", "unit", "milestone", "task", "user", "organisation", "document",
    "enterprise", "zone", "country", "risk entry",
)  # fmt: skip

#: Field names services report, with their catalogue entries (shown translated in the table).
FIELDS: tuple[str, ...] = (
    "identifier", "title", "countries", "sectors", "amount", "currency", "year", "status",
    "limit", "offset", "scope", "role", "login", "password", "country", "name", "dataset",
    "sort", "identifiers", "version", "due_on", "unit_id", "category", "likelihood", "impact",
)  # fmt: skip


@dataclass(frozen=True)
class ShownError:
    """An error as a page shows it: every part in the user's language where the catalogue
    has it; ``english`` when the message fell through untranslated."""

    kind: str
    message: str
    hint: str | None
    english: bool
    problems: tuple[dict[str, Any], ...] = ()


def translate_text(text: str, gettext: Callable[[str], str]) -> tuple[str, bool]:
    """``text`` translated through :data:`PATTERNS`, and whether it was."""
    for pattern, msgid in PATTERNS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        values = {k: gettext(v) if v in WORDS else v for k, v in found.groupdict().items()}
        return gettext(msgid) % values, True
    return text, False


def shown(body: dict[str, Any], exc: BeltroadError | None, gettext: Callable[[str], str]) -> (
    ShownError
):  # fmt: skip
    """The error page's parts from the handler's ``body`` (and the exception for its field
    problems); nothing in ``body`` is lost, only translated where the catalogue can."""
    message, done = translate_text(str(body.get("message") or ""), gettext)
    hint = body.get("hint")
    if isinstance(hint, str) and hint in HINTS:
        hint = gettext(hint)
    problems: list[dict[str, Any]] = []
    if isinstance(exc, InvalidInput):
        for p in exc.problems:
            reason, _ok = translate_text(p.reason, gettext)
            problems.append(
                {
                    "field": p.field,
                    "label": gettext(p.field) if p.field in FIELDS else p.field,
                    "row": p.row,
                    "file": p.file,
                    "value": "" if p.value is None else repr(p.value),
                    "reason": reason,
                }
            )
        done = done or bool(problems)
    return ShownError(str(body.get("error") or ""), message, hint, not done, tuple(problems))


def catalogue_entries() -> list[str]:
    """Every string this module passes through the catalogue (for the completeness test)."""
    return [m for _p, m in PATTERNS] + list(HINTS) + list(WORDS) + list(FIELDS)
