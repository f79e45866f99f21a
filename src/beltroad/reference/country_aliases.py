"""Country names as data sets spell them, mapped to ISO 3166-1 alpha-3.

An exact, reviewed table: the country matcher never guesses, so a spelling a data set uses must
be listed here (or be an ISO code or ISO name). Spellings come from the World Bank (WGI, income
groups), AidData GCDF/GCOF, ND-GAIN, IMF WEO and the World Port Index.

Kosovo has no ISO 3166-1 code; the World Bank, IMF and EU use the user-assigned ``XKX``, which
beltroad adds as an extra country (see :data:`EXTRA_COUNTRIES`).
"""

from __future__ import annotations

from typing import Final

# (iso3, iso2, numeric, name_en, name_zh, source) for territories that data sets report but ISO
# 3166-1 does not list.
EXTRA_COUNTRIES: Final = (
    ("XKX", "XK", "", "Kosovo", "科索沃", "user-assigned code used by the World Bank, IMF and EU"),
    (
        "ANT",
        "AN",
        "530",
        "Netherlands Antilles",
        "荷属安的列斯",
        "ISO 3166-3 historic code (dissolved 10 Oct 2010); WGI reports it to 2013",
    ),
)

ALIASES: Final[dict[str, str]] = {
    "bahamas, the": "BHS",
    "bolivia": "BOL",
    "bosnia-herzegovina": "BIH",
    "brunei": "BRN",
    "cape verde": "CPV",
    "congo, dem. rep.": "COD",
    "congo, democratic republic of the": "COD",
    "congo, democratic republic of": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "congo, rep.": "COG",
    "congo, republic of": "COG",
    "republic of the congo": "COG",
    "congo": "COG",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "czech republic": "CZE",
    "egypt, arab rep.": "EGY",
    "gambia, the": "GMB",
    "gambia": "GMB",
    "hong kong sar, china": "HKG",
    "iran, islamic rep.": "IRN",
    "iran": "IRN",
    "korea, dem. people's rep.": "PRK",
    "korea, dem. rep.": "PRK",
    "north korea": "PRK",
    "democratic people's republic of korea": "PRK",
    "korea, rep.": "KOR",
    "south korea": "KOR",
    "kosovo": "XKX",
    "kyrgyz republic": "KGZ",
    "lao pdr": "LAO",
    "laos": "LAO",
    "lao people's democratic republic": "LAO",
    "macao sar, china": "MAC",
    "micronesia, fed. sts.": "FSM",
    "micronesia": "FSM",
    "moldova": "MDA",
    "north macedonia": "MKD",
    "macedonia": "MKD",
    "macedonia, fyr": "MKD",
    "russia": "RUS",
    "russian federation": "RUS",
    "sao tome and principe": "STP",
    "são tomé and príncipe": "STP",
    "slovak republic": "SVK",
    "somalia, fed. rep.": "SOM",
    "st. kitts and nevis": "KNA",
    "st. lucia": "LCA",
    "st. vincent and the grenadines": "VCT",
    "syria": "SYR",
    "syrian arab republic": "SYR",
    "taiwan, china": "TWN",
    "tanzania": "TZA",
    "timor-leste": "TLS",
    "east timor": "TLS",
    "turkey": "TUR",
    "turkiye": "TUR",
    "türkiye": "TUR",
    "venezuela": "VEN",
    "venezuela, rb": "VEN",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "west bank and gaza": "PSE",
    "palestine": "PSE",
    "yemen, rep.": "YEM",
    "yemen": "YEM",
    "swaziland": "SWZ",
    "eswatini": "SWZ",
    "burma": "MMR",
    "myanmar": "MMR",
    "micronesia, federated states of": "FSM",
    # World Port Index (NGA Pub. 150) "Country Code" names
    "caribbean netherlands": "BES",
    "congo (brazzaville)": "COG",
    "congo (kinshasa)": "COD",
    "curacao": "CUW",
    "falkland islands (islas malvinas)": "FLK",
    "macau": "MAC",
    "reunion": "REU",
    "saint helena, ascension, and tristan da cunha": "SHN",
    "saint vincent and the grenadines (windward islands)": "VCT",
    "sint maarten": "SXM",
    "south georgia and south sandwich islands": "SGS",
    "svalbard": "SJM",  # ISO 3166-1 codes Svalbard with Jan Mayen
    "the bahamas": "BHS",
    "the gambia": "GMB",
    "u.s. virgin islands": "VIR",
    # US Minor Outlying Islands (ISO 3166-2:UM subdivisions); WPI spells Johnston "Johnson"
    "johnson atoll": "UMI",
    "johnston atoll": "UMI",
    "midway islands": "UMI",
    "wake island": "UMI",
    # AidData GCOF 1.0 (recipient_condensed) and GCDF 3.0 / GeoGCDF 3.0 (Recipient) spellings.
    "antigua & barbuda": "ATG",
    "central african rep.": "CAF",
    "palestinian adm. areas": "PSE",
    "sao tome & principe": "STP",
    "trinidad & tobago": "TTO",
    "west bank and gaza strip": "PSE",
}
