"""Form handling shared by the registry, risk, coordination and #17 pages: every POST reads its
fields here, after the CSRF check (:func:`beltroad.web.security.check_csrf`)."""

from __future__ import annotations

from fastapi import Request

from beltroad.errors import InvalidInput
from beltroad.web.security import CSRF_FIELD, check_csrf


async def fields(request: Request) -> dict[str, str]:
    """The posted text fields (stripped), once the form's CSRF token is checked."""
    form = await request.form()
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
    check_csrf(request, values.get(CSRF_FIELD))
    return values


def required(values: dict[str, str], name: str) -> str:
    found = values.get(name, "")
    if not found:
        raise InvalidInput.at("a value is required", field=name)
    return found


def integer(values: dict[str, str], name: str) -> int:
    text = required(values, name)
    try:
        return int(text)
    except ValueError:
        raise InvalidInput.at("expected a whole number", field=name, value=text) from None


def optional_integer(values: dict[str, str], name: str) -> int | None:
    return integer(values, name) if values.get(name) else None
