"""Every text of the registry, risk, coordination and #17 pages has a Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from beltroad.engines.debt import CAPACITIES
from beltroad.engines.integrity import KINDS as INTEGRITY_KINDS
from beltroad.engines.risk_register import CATEGORIES
from beltroad.entities import COLUMNS
from beltroad.reference.passages import SEAROUTE_KEYS, passage_by_key
from beltroad.services import risk_register, tasks
from beltroad.services.connectivity import CLOSURE_GROUPS
from beltroad.services.permissions import SCOPE_KINDS, Role
from beltroad.web import i18n
from beltroad.web.pages import pages_router, registry
from beltroad.web.pages.principles import GREEN_CLASSES
from beltroad.web.render import NAV

TEMPLATES = Path(i18n.__file__).with_name("templates")
GROUPS = ("registry", "risk", "work", "green", "connectivity")
LITERAL = re.compile(r"""_\(\s*'([^']+)'\s*\)""")


def _msgids() -> set[str]:
    pages_router()  # every page module adds its top-bar entries
    found: set[str] = set()
    for group in GROUPS:
        for path in sorted((TEMPLATES / group).glob("*.html")):
            found.update(LITERAL.findall(path.read_text(encoding="utf-8")))
    found.update(registry.TITLES.values())
    found.update(item.label for item in NAV)
    found.update(tasks.STATUSES)
    found.update(risk_register.STATUSES)
    found.update(CATEGORIES)
    found.update(GREEN_CLASSES)
    found.update(INTEGRITY_KINDS)
    found.update(CAPACITIES)
    found.update(passage_by_key(k).name for k in SEAROUTE_KEYS)
    found.update(CLOSURE_GROUPS)
    found.update(role.value for role in Role)
    found.update(SCOPE_KINDS)
    for columns in registry.LIST_COLUMNS.values():
        found.update(columns)
    for fields in COLUMNS.values():
        found.update(c.field for c in fields)
    return found


def test_the_pages_have_texts_to_translate() -> None:
    assert len(_msgids()) > 50


@pytest.mark.parametrize("msgid", sorted(_msgids()))
def test_every_text_has_a_chinese_translation(msgid: str) -> None:
    zh = i18n.gettext_for("zh").gettext(msgid)
    assert zh != msgid, f"no zh translation for {msgid!r}"
