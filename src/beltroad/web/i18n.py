"""English and Simplified Chinese for the web pages: gettext catalogues and Babel formatting.

The ``.po`` files under ``web/locale`` are the committed sources; they are compiled in memory
the first time a language is used (no ``.mo`` file to build or commit). Templates call
``_("text")``; numbers, money and dates go through the formatters here, in the page's locale.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
LOCALE_COOKIE = "beltroad_lang"
#: Page language -> Babel locale used for numbers and dates.
LANGUAGES = {"en": "en_GB", "zh": "zh_Hans_CN"}
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
DEFAULT = "en"


def pick_locale(cookie: str | None, accept_language: str | None) -> str:
    """The remembered choice, else the browser's first supported language, else English."""
    if cookie in LANGUAGES:
        return cookie
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language``, compiled from its .po files on first use.

    ``messages.po`` and every other ``*.po`` beside it (one per page group, so groups built in
    parallel do not edit one file) are merged; ``messages.po`` wins on a duplicate msgid.
    """
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    # messages.po first: its header and its msgids win; the group files add what it lacks
    sources = sorted(folder.glob("*.po"), key=lambda p: (p.name != "messages.po", p.name))
    if language == DEFAULT or not sources:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with sources[0].open("rb") as source:
        catalog = read_po(source, locale=language)
    for po in sources[1:]:
        with po.open("rb") as source:
            for message in read_po(source, locale=language):
                if message.id and message.id not in catalog:
                    catalog[message.id] = message
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(language: str) -> gettext.NullTranslations:
    return translations(language if language in LANGUAGES else DEFAULT)


def number(value: float | int | None, language: str, digits: int = 0) -> str:
    if value is None:
        return "–"
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern, locale=LANGUAGES[language]))


def money(value: float | None, currency: str, language: str, base_year: int | None) -> str:
    """Compact money with unit and basis.

    "USD 83.3 bn (constant 2021)"; in Chinese "833亿美元（2021年不变价）".
    """
    if value is None:
        return "–"
    if language == "zh":
        from babel.numbers import format_compact_decimal

        amount = format_compact_decimal(value, locale=LANGUAGES["zh"], fraction_digits=1)
        unit = "美元" if currency == "USD" else currency
        basis = f"（{base_year}年不变价）" if base_year else "（名义值）"
        return f"{amount}{unit}{basis}"
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= size:
            shown = f"{currency} {value / size:,.1f} {suffix}"
            break
    else:
        shown = f"{currency} {value:,.0f}"
    return shown + (f" (constant {base_year})" if base_year else " (nominal)")


def date(value: dt.date | str | None, language: str) -> str:
    if value is None or value == "":
        return "–"
    from babel.dates import format_date

    day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return str(format_date(day, format="medium", locale=LANGUAGES[language]))
