"""ISO 3166-1 countries with Chinese names, and exact (never fuzzy) resolution."""

from __future__ import annotations

import pytest

from beltroad.reference.countries import load_countries, resolve_country


def test_all_iso_countries_load() -> None:
    countries = load_countries()
    assert len(countries) >= 249
    assert len({c.iso3 for c in countries}) == len(countries)


def test_china_has_its_chinese_name() -> None:
    china = resolve_country("CHN")
    assert china.name_zh == "中国"
    assert china.official_name == "People's Republic of China"


def test_common_name_is_preferred() -> None:
    assert resolve_country("TW").name_en == "Taiwan"


@pytest.mark.parametrize("text", ["pakistan", "PK", "pak", "586", " Pakistan ", "巴基斯坦"])
def test_resolve_by_code_or_exact_name(text: str) -> None:
    assert resolve_country(text).iso3 == "PAK"


def test_short_numeric_codes_are_zero_padded() -> None:
    assert resolve_country("4").iso3 == "AFG"


@pytest.mark.parametrize("text", ["Narnia", "Pakistn", ""])
def test_unknown_country_raises_lookup_error_naming_the_value(text: str) -> None:
    with pytest.raises(
        LookupError, match="expected an ISO 3166 code or an exact country name"
    ) as e:
        resolve_country(text)
    assert repr(text) in str(e.value)


def test_narnia_is_named_in_the_error() -> None:
    with pytest.raises(LookupError, match="Narnia"):
        resolve_country("Narnia")
