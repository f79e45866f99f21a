"""IATI element readers for places, sectors and loan terms (see :mod:`.iati_activity`).

Each reader takes the :class:`~beltroad.ingest.iati_activity.Activity` being read (for its
language, notes and per-file memo) and ``get`` (tag -> child elements), and returns its part of
the record or raises :class:`~beltroad.ingest.iati_values.Problem` naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pycountry

from beltroad.errors import NotFound
from beltroad.ingest.base import ValueProblem
from beltroad.ingest.iati_codes import SECTOR_VOCABULARIES
from beltroad.ingest.iati_values import (
    MAX_CACHED_VALUES,
    MAX_NAME,
    Problem,
    clean,
    code_int,
    decimal,
    iso,
    iso_or_none,
    merge,
    percentage,
    small,
    splits,
    text,
)
from beltroad.records import (
    CountrySplit,
    LoanTermsRecord,
    LocationRecord,
    RegionSplit,
    SectorSplit,
)
from beltroad.reference.countries import resolve_country

if TYPE_CHECKING:
    from beltroad.ingest.iati_activity import Activity, Get


def geography(
    activity: Activity, get: Get
) -> tuple[tuple[CountrySplit, ...], tuple[RegionSplit, ...]]:
    country_elements = get("recipient-country", ())
    if len(country_elements) == 1 and not get("recipient-region"):
        # The usual activity: one country, all of it (the general reading gives the same).
        found = activity.memo.countries.get(country_elements[0].get("code"))
        if found is not None and country_elements[0].get("percentage") in (None, "100"):
            return found, ()
    countries: list[tuple[str, float | None]] = []
    for element in country_elements:
        code = clean(element.get("code"))
        if code is None:
            raise Problem("recipient-country/@code", None, "country code missing")
        try:
            iso3 = resolve_country(code).iso3
        except (NotFound, LookupError):
            withdrawn = pycountry.historic_countries.get(alpha_2=code.upper())
            if withdrawn is not None:
                # A code ISO has withdrawn (AN, Netherlands Antilles, in real 2.03 files):
                # no current country to attribute its share to, so it is left out, noted.
                activity.notes.append(
                    f"recipient-country {code} ({withdrawn.name}) is a withdrawn ISO 3166 "
                    f"code: its {element.get('percentage') or ''}% share left out"
                )
                continue
            raise Problem(
                "recipient-country/@code",
                code,
                f"unknown country code {code!r} (expected an ISO 3166-1 alpha-2 code)",
            ) from None
        share = percentage(element, "recipient-country")
        countries.append((iso3, share))
        if share in (None, 100.0) and len(activity.memo.countries) < MAX_CACHED_VALUES:
            activity.memo.countries[element.get("code")] = (CountrySplit(iso3, 100.0),)
    regions: list[tuple[tuple[str, str], float | None]] = []
    for element in get("recipient-region", []):
        code = clean(element.get("code"))
        if code is None:
            continue  # an empty placeholder element (1.0x files have them)
        vocabulary = clean(element.get("vocabulary")) or "1"
        if len(code) > 16 or len(vocabulary) > 4:
            raise Problem("recipient-region", code, "region code or vocabulary too long")
        regions.append(((vocabulary, code), percentage(element, "recipient-region")))
    if not countries and not regions:
        return (), ()
    country_splits = merge(
        splits(countries, "recipient-country", activity.notes), "recipient-country"
    )
    region_splits = merge(splits(regions, "recipient-region", activity.notes), "recipient-region")
    return (
        tuple(CountrySplit(iso3, pct) for iso3, pct in country_splits),
        tuple(RegionSplit(code=c, vocabulary=v, percentage=pct) for (v, c), pct in region_splits),
    )


def sectors(activity: Activity, get: Get) -> tuple[SectorSplit, ...]:
    elements = get("sector", ())
    key = None
    if len(elements) == 1:
        # The usual activity: one sector, all of it; the same attributes give the same split.
        only = elements[0]
        key = (
            only.get("code"),
            only.get("vocabulary"),
            only.get("percentage"),
            only.get("ref"),
            only.get("vocab"),
        )
        found = activity.memo.sectors.get(key)
        if found is not None:
            return found
    by_vocabulary: dict[str, list[tuple[str, float | None]]] = {}
    for element in elements:
        code = clean(element.get("code")) or clean(element.get("ref"))
        raw_vocabulary = clean(element.get("vocabulary")) or clean(element.get("vocab"))
        if code is None:
            if text(element, activity.lang):
                activity.notes.append(f"sector without a code left out: {text(element, None)!r}")
            continue
        vocabulary = SECTOR_VOCABULARIES.get((raw_vocabulary or "1").upper(), raw_vocabulary or "1")
        if len(code) > 16 or len(vocabulary) > 4:
            raise Problem("sector", code, "sector code or vocabulary too long")
        by_vocabulary.setdefault(vocabulary, []).append((code, percentage(element, "sector")))
    out: list[SectorSplit] = []
    for vocabulary, items in by_vocabulary.items():
        merged = merge(splits(items, f"sector vocabulary {vocabulary}", activity.notes), "sector")
        out += [SectorSplit(code=c, vocabulary=vocabulary, percentage=p) for c, p in merged]
    if key is not None and len(out) == 1 and len(activity.memo.sectors) < MAX_CACHED_VALUES:
        activity.memo.sectors[key] = (out[0],)
    return tuple(out)


def locations(activity: Activity, get: Get) -> tuple[LocationRecord, ...]:
    out: list[LocationRecord] = []
    for element in get("location", []):
        name_element = element.find("name")
        name = text(name_element, activity.lang) if name_element is not None else None
        lat = lon = None
        precision = None
        pos = element.findtext("point/pos")
        coordinates = element.find("coordinates")  # 1.0x
        if clean(pos):
            parts = pos.split()
            try:
                lat, lon = float(parts[0]), float(parts[1])
                if len(parts) != 2:
                    raise ValueError
            except (ValueError, IndexError):
                raise Problem(
                    "location/point/pos",
                    pos,
                    "expected 'latitude longitude' in decimal degrees",
                ) from None
        elif coordinates is not None:
            try:
                lat = float(coordinates.get("latitude"))
                lon = float(coordinates.get("longitude"))
            except (TypeError, ValueError):
                raise Problem(
                    "location/coordinates",
                    coordinates.get("latitude"),
                    "expected decimal degrees",
                ) from None
            raw_precision = clean(coordinates.get("precision"))
            precision = small(raw_precision)
        if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Problem(
                "location/point/pos",
                f"{lat} {lon}",
                "outside -90..90 latitude, -180..180 longitude",
            )
        exactness_element = element.find("exactness")
        exactness = (
            code_int(exactness_element, "location/exactness")
            if exactness_element is not None
            else None
        )
        admin = element.find("administrative")
        admin_code = clean(admin.get("code")) if admin is not None else None
        raw_level = clean(admin.get("level")) if admin is not None else None
        if name is None and lat is None and admin_code is None:
            continue  # nothing beltroad can place (e.g. only a GeoNames id)
        out.append(
            LocationRecord(
                name=name[:MAX_NAME] if name else None,
                lat=lat,
                lon=lon,
                admin_level=small(raw_level),
                admin_code=admin_code[:64] if admin_code else None,
                exactness=exactness,
                precision=precision,
                source="iati",
            )
        )
    return tuple(out)


def loan(get: Get) -> tuple[LoanTermsRecord | None, dict[str, Any]]:
    crs = get("crs-add")
    terms = crs[0].find("loan-terms") if crs else None
    if terms is None:
        return None, {}
    rates: dict[str, float | None] = {}
    for attribute in ("rate-1", "rate-2"):
        try:
            rates[attribute] = decimal(terms.get(attribute), what="a rate in percent")
        except ValueProblem as exc:
            raise Problem(
                f"crs-add/loan-terms/@{attribute}", terms.get(attribute), str(exc)
            ) from None
    dates: dict[str, dt.date | None] = {}
    for child in ("commitment-date", "repayment-first-date", "repayment-final-date"):
        found = terms.find(child)
        dates[child] = iso(found, f"crs-add/loan-terms/{child}") if found is not None else None
    codes = {}
    for child in ("repayment-type", "repayment-plan"):
        found = terms.find(child)
        codes[child] = clean(found.get("code")) if found is not None else None
    committed = dates["commitment-date"]

    def years(later: dt.date | None) -> float | None:
        # OECD DAC CRS: maturity and grace period run from the commitment date to the final
        # and to the first repayment.
        if committed is None or later is None or later < committed:
            return None
        return round((later - committed).days / 365.25, 2)

    repayment_type = codes["repayment-type"]
    record = LoanTermsRecord(
        interest_rate_pct=rates["rate-1"],
        maturity_years=years(dates["repayment-final-date"]),
        grace_period_years=years(dates["repayment-first-date"]),
        repayment_type=repayment_type[:4] if repayment_type else None,
    )
    extras = {
        "rate_1": rates["rate-1"],
        "rate_2": rates["rate-2"],
        "repayment_type": repayment_type,
        "repayment_plan": codes["repayment-plan"],
        "commitment_date": committed.isoformat() if committed else None,
        "repayment_first_date": iso_or_none(dates["repayment-first-date"]),
        "repayment_final_date": iso_or_none(dates["repayment-final-date"]),
    }
    return record, {k: v for k, v in extras.items() if v is not None}
