"""English and Chinese: every string the templates translate has a Chinese entry, the
catalogue compiles at start (no .mo committed), and numbers and money follow the locale."""

from __future__ import annotations

import re
from pathlib import Path

from beltroad.engines.funnel import STAGES
from beltroad.reference.iati import ParticipationRole
from beltroad.services.headline import FIGURES
from beltroad.services.permissions import Role
from beltroad.services.workflow import load_lifecycle
from beltroad.web import i18n
from beltroad.web.error_text import catalogue_entries
from beltroad.web.pages.projects import TRANSACTION_TYPES

TEMPLATES = Path(i18n.__file__).with_name("templates")
LITERAL = re.compile(r"""_\(\s*(['"])(.+?)\1\s*\)""")
#: Values the templates pass through ``_()`` that are not literals.
DYNAMIC = (
    [r.value for r in Role]
    + list(load_lifecycle().states)
    + ["draft", "submitted", "returned", "approved"]
    + list(STAGES)
    + [f.replace("_", " ") for f in FIGURES]
    + ["info", "warning", "critical"]
    + ["Unauthenticated", "TooManyAttempts", "InvalidInput", "NotFound", "PermissionDenied"]
    + ["Conflict", "DataUnavailable", "wrong login or password", "Dashboard", "Projects"]
    + [r.value for r in ParticipationRole]
    + list(TRANSACTION_TYPES.values())
    + ["explicit", "nearest"]
    + catalogue_entries()
)


def template_strings() -> set[str]:
    found: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        found.update(m.group(2) for m in LITERAL.finditer(path.read_text(encoding="utf-8")))
    return found


def test_every_user_visible_string_has_a_chinese_translation() -> None:
    zh = i18n.translations("zh")
    wanted = template_strings() | set(DYNAMIC)
    assert len(wanted) > 100
    untranslated = sorted(s for s in wanted if zh.gettext(s) == s)
    assert untranslated == []


def test_no_compiled_catalogue_is_committed() -> None:
    assert not list(i18n.LOCALE_DIR.rglob("*.mo"))
    assert (i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po").is_file()


def test_language_choice() -> None:
    assert i18n.pick_locale("zh", "en-GB") == "zh"
    assert i18n.pick_locale(None, "zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert i18n.pick_locale("xx", "fr-FR") == "en"


def test_numbers_money_and_dates_follow_the_locale() -> None:
    assert i18n.money(83.3e9, "USD", "en", 2021) == "USD 83.3 bn (constant 2021)"
    assert i18n.money(83.3e9, "USD", "zh", 2021) == "833亿美元（2021年不变价）"
    assert i18n.money(5e6, "EUR", "en", None) == "EUR 5.0 m (nominal)"
    assert i18n.number(1234567, "en") == "1,234,567"
    assert i18n.date("2024-12-03", "en") == "3 Dec 2024"
    assert i18n.date("2024-12-03", "zh") == "2024年12月3日"
