"""Countries from ISO 3166-1 (via ``pycountry``), with Chinese names.

Nothing is read at import time: :func:`load_countries` reads ``pycountry`` when called, and the
lookup index behind :func:`resolve_country` is built on first use and then cached.

Chinese names come from the ``zh_CN`` translation of ISO 3166-1 that pycountry ships (the iso-codes
project); a country without a translation has ``name_zh = None``.

>>> resolve_country("pk").name_en
'Pakistan'
>>> resolve_country("CHN").name_zh
'中国'
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pycountry

from beltroad.errors import NotFound
from beltroad.reference.country_aliases import ALIASES, EXTRA_COUNTRIES


@dataclass(frozen=True)
class CountryFact:
    """One ISO 3166-1 country. ``numeric`` keeps ISO's three digits as text (``"004"``)."""

    iso3: str
    iso2: str
    numeric: str
    name_en: str
    official_name: str | None
    name_zh: str | None


def _chinese_translation() -> gettext.NullTranslations | None:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    except OSError:  # pycountry built without locales: names stay None rather than failing
        return None


def load_countries() -> list[CountryFact]:
    """Every ISO 3166-1 country known to the installed pycountry, in ISO order.

    ``name_en`` is pycountry's ``common_name`` where it has one (``"Taiwan"``), else ``name``.
    """
    zh = _chinese_translation()
    return [_fact(country, zh) for country in pycountry.countries] + extra_countries()


def _fact(country: Any, zh: gettext.NullTranslations | None) -> CountryFact:
    name: str = country.name
    common: str | None = getattr(country, "common_name", None)
    name_zh = None
    if zh is not None:
        translated = zh.gettext(name)
        name_zh = translated if translated != name else None
    return CountryFact(
        iso3=country.alpha_3,
        iso2=country.alpha_2,
        numeric=country.numeric,
        name_en=common or name,
        official_name=getattr(country, "official_name", None),
        name_zh=name_zh,
    )


@lru_cache(maxsize=1)
def _index() -> Mapping[str, CountryFact]:
    """Case-folded codes and exact names to countries; codes win over names on a clash."""
    zh = _chinese_translation()
    by_name: dict[str, CountryFact] = {}
    by_code: dict[str, CountryFact] = {}
    for country in pycountry.countries:
        fact = _fact(country, zh)
        for code in (fact.iso2, fact.iso3, fact.numeric):
            by_code[code.casefold()] = fact
        # ISO's short name as well as the common one ("Taiwan, Province of China" and "Taiwan").
        for name in (country.name, fact.name_en, fact.official_name, fact.name_zh):
            if name:
                by_name.setdefault(name.casefold(), fact)
    for extra in extra_countries():
        by_code[extra.iso3.casefold()] = extra
        by_code[extra.iso2.casefold()] = extra
        by_name.setdefault(extra.name_en.casefold(), extra)
    by_iso3 = {fact.iso3: fact for fact in by_code.values()}
    for alias, iso3 in ALIASES.items():
        by_name.setdefault(alias.casefold(), by_iso3[iso3])
    return {**by_name, **by_code}


def extra_countries() -> list[CountryFact]:
    """Territories that data sets report without an ISO 3166-1 code (Kosovo, XKX)."""
    return [
        CountryFact(
            iso3=iso3, iso2=iso2, numeric=numeric, name_en=name, official_name=None, name_zh=zh
        )
        for iso3, iso2, numeric, name, zh, _source in EXTRA_COUNTRIES
    ]


def resolve_country(text: str) -> CountryFact:
    """Find a country by ISO alpha-2, alpha-3 or numeric code, or by its exact name.

    Case-insensitive and blank-tolerant, but never fuzzy: ``"Pakistan"``, ``"pk"``, ``"PAK"``,
    ``"586"`` all work; ``"Pakistn"`` does not. Names are the English short, common and official
    names and the Chinese name. Raises :class:`~beltroad.errors.NotFound` (a ``LookupError``).

    >>> resolve_country("586").iso3
    'PAK'
    """
    key = text.strip().casefold()
    if key.isdigit() and len(key) < 3:
        key = key.zfill(3)
    fact = _index().get(key)
    if fact is None:
        raise NotFound(
            f"unknown country {text!r}: expected an ISO 3166 code or an exact country name",
            hint="use an ISO 3166-1 alpha-2 ('PK'), alpha-3 ('PAK') or numeric ('586') code",
        )
    return fact
