"""Stress scenarios: a plain mapping (a parsed TOML file) checked into a frozen :class:`Scenario`.

Pure: the caller reads the file (``tomllib``) and passes the vocabularies a scenario may name
(countries, regions, passages), so the same checks serve the CLI, the web and the tests. Every
rejection names the key, the value and what is allowed.

A scenario only ever adds stress, so that "shocks only raise the expected loss" holds by
construction: factor shocks push factors down (``shock_sd >= 0``), PD multipliers are ``>= 1``,
PD floors only raise a PD, and sanctions, currency shocks and closures add losses.

>>> closure = {"passages": ["suez"], "pd_multiplier": 1.5}
>>> s = parse_scenario(
...     {"scenario": {"name": "Red Sea"}, "closures": [closure]},
...     countries={"EGY"}, regions=set(), passages={"suez"},
... )
>>> s.closures[0].passages
('suez',)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from beltroad.errors import InvalidInput

SECTIONS = (
    "scenario",
    "model",
    "factor_shocks",
    "pd_multipliers",
    "pd_floors",
    "sanctions",
    "currency_shocks",
    "closures",
)


@dataclass(frozen=True)
class Target:
    """Which exposures a shock applies to: countries, regions and DAC sectors (empty = any).

    An exposure matches when it matches every non-empty list; all lists empty matches everything.
    """

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()

    def matches(self, country: str, region: str | None, sector: str | None) -> bool:
        if self.countries and country not in self.countries:
            return False
        if self.regions and region not in self.regions:
            return False
        if self.sectors:
            return sector is not None and any(sector.startswith(s) for s in self.sectors)
        return True


@dataclass(frozen=True)
class FactorShock:
    """A region's or a country's factor falls by ``shock_sd`` standard deviations."""

    shock_sd: float
    region: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class PdMultiplier:
    target: Target
    multiplier: float


@dataclass(frozen=True)
class PdFloor:
    target: Target
    pd: float


@dataclass(frozen=True)
class Sanction:
    """Exposure in these countries is frozen: ``severity`` of it is lost outright."""

    countries: tuple[str, ...]
    severity: float


@dataclass(frozen=True)
class CurrencyShock:
    """The currencies of these countries lose ``depreciation`` of their value."""

    countries: tuple[str, ...]
    depreciation: float


@dataclass(frozen=True)
class Closure:
    """Passages closed: projects depending on one get ``pd_multiplier`` and count as delayed."""

    passages: tuple[str, ...]
    pd_multiplier: float = 1.0


@dataclass(frozen=True)
class ModelOverrides:
    """Optional overrides of the model parameters of ``stress.toml``."""

    correlation: float | None = None
    loadings: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    kind: str = "stress"
    model: ModelOverrides = field(default_factory=ModelOverrides)
    factor_shocks: tuple[FactorShock, ...] = ()
    pd_multipliers: tuple[PdMultiplier, ...] = ()
    pd_floors: tuple[PdFloor, ...] = ()
    sanctions: tuple[Sanction, ...] = ()
    currency_shocks: tuple[CurrencyShock, ...] = ()
    closures: tuple[Closure, ...] = ()

    @property
    def closed_passages(self) -> frozenset[str]:
        return frozenset(p for c in self.closures for p in c.passages)


LOADING_NAMES = ("global", "region", "country")


class _Checker:
    """Reads one scenario, naming every key by its dotted path (``sanctions[1].severity``)."""

    def __init__(
        self,
        file: str | None,
        countries: Collection[str],
        regions: Collection[str],
        passages: Collection[str],
    ) -> None:
        self.file = file
        self.countries = countries
        self.regions = regions
        self.passages = passages

    def fail(self, key: str, value: object, reason: str) -> InvalidInput:
        return InvalidInput.at(reason, file=self.file, field=key, value=value)

    def table(self, value: object, key: str, allowed: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, value, "expected a table")
        for name in value:
            if name not in allowed:
                where = f"{key}.{name}" if key else str(name)
                raise self.fail(where, name, f"unknown key (allowed here: {', '.join(allowed)})")
        return value

    def tables(self, value: object, key: str) -> list[Any]:
        if isinstance(value, Mapping):  # [section] written where [[section]] was meant
            return [value]
        if not isinstance(value, list):
            raise self.fail(key, value, "expected an array of tables ([[" + key + "]])")
        return value

    def number(
        self, value: object, key: str, *, low: float, high: float, high_open: bool = False
    ) -> float:
        closing = ")" if high_open else "]"
        span = f"[{low:g}, {'inf' if math.isinf(high) else f'{high:g}'}{closing}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, value, f"expected a number in {span}")
        number = float(value)
        too_high = number >= high if high_open else number > high
        if math.isnan(number) or number < low or too_high:
            raise self.fail(key, value, f"out of range (allowed: {span})")
        return number

    def text(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, value, "expected a non-empty string")
        return value.strip()

    def names(self, value: object, key: str) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise self.fail(key, value, "expected a name or a non-empty list of names")
        return tuple(self.text(item, key) for item in items)

    def country_list(self, value: object, key: str) -> tuple[str, ...]:
        found = []
        for code in self.names(value, key):
            iso3 = code.upper()
            if iso3 not in self.countries:
                raise self.fail(
                    key, code, "unknown country (expected an ISO 3166-1 alpha-3 code, e.g. PAK)"
                )
            found.append(iso3)
        return tuple(found)

    def region_list(self, value: object, key: str) -> tuple[str, ...]:
        found = self.names(value, key)
        for name in found:
            if name not in self.regions:
                allowed = "; ".join(sorted(self.regions)) or "none loaded"
                raise self.fail(key, name, f"unknown region (allowed: {allowed})")
        return found

    def passage_list(self, value: object, key: str) -> tuple[str, ...]:
        found = tuple(name.lower() for name in self.names(value, key))
        for name in found:
            if name not in self.passages:
                raise self.fail(
                    key, name, f"unknown passage (allowed: {', '.join(sorted(self.passages))})"
                )
        return found

    def sector_list(self, value: object, key: str) -> tuple[str, ...]:
        found = self.names(value, key)
        for code in found:
            if not (code.isdigit() and len(code) in (3, 5)):
                raise self.fail(key, code, "expected a DAC sector code of 3 or 5 digits")
        return found

    def target(self, entry: Mapping[str, Any], key: str) -> Target:
        return Target(
            countries=self.country_list(entry["countries"], f"{key}.countries")
            if "countries" in entry
            else (),
            regions=self.region_list(entry["regions"], f"{key}.regions")
            if "regions" in entry
            else (),
            sectors=self.sector_list(entry["sectors"], f"{key}.sectors")
            if "sectors" in entry
            else (),
        )

    def require(self, entry: Mapping[str, Any], name: str, key: str) -> Any:
        if name not in entry:
            raise self.fail(f"{key}.{name}", None, "missing (required)")
        return entry[name]


def parse_scenario(
    data: Mapping[str, Any],
    *,
    countries: Collection[str],
    regions: Collection[str],
    passages: Collection[str],
    file: str | None = None,
) -> Scenario:
    """Check a scenario mapping and return it as a :class:`Scenario`.

    ``countries`` are the ISO3 codes, ``regions`` the region names and ``passages`` the passage
    keys a scenario may name. Raises :class:`~beltroad.errors.InvalidInput` naming the key.
    """
    c = _Checker(file, countries, regions, passages)
    top = c.table(data, "", SECTIONS)
    head = c.table(top.get("scenario", {}), "scenario", ("name", "description", "kind"))
    name = c.text(c.require(head, "name", "scenario"), "scenario.name")
    description = str(head.get("description", ""))
    kind = c.text(head.get("kind", "stress"), "scenario.kind")

    model = ModelOverrides()
    if "model" in top:
        raw = c.table(top["model"], "model", ("correlation", "loadings"))
        correlation = None
        if "correlation" in raw:
            correlation = c.number(
                raw["correlation"], "model.correlation", low=0.0, high=1.0, high_open=True
            )
        loadings: tuple[tuple[str, float], ...] = ()
        if "loadings" in raw:
            table = c.table(raw["loadings"], "model.loadings", LOADING_NAMES)
            loadings = tuple(
                (k, c.number(v, f"model.loadings.{k}", low=0.0, high=math.inf))
                for k, v in table.items()
            )
            if sum(v for _, v in loadings) <= 0:
                raise c.fail("model.loadings", dict(loadings), "at least one loading must be > 0")
        model = ModelOverrides(correlation=correlation, loadings=loadings)

    shocks = []
    for i, raw in enumerate(c.tables(top.get("factor_shocks", []), "factor_shocks")):
        key = f"factor_shocks[{i}]"
        entry = c.table(raw, key, ("region", "country", "shock_sd"))
        if ("region" in entry) == ("country" in entry):
            raise c.fail(key, dict(entry), "name exactly one of region or country")
        sd = c.number(c.require(entry, "shock_sd", key), f"{key}.shock_sd", low=0, high=10)
        # One factor per shock: a list here would be ambiguous, so it is refused.
        if "region" in entry:
            region = c.text(entry["region"], f"{key}.region")
            c.region_list(region, f"{key}.region")
            shocks.append(FactorShock(sd, region=region))
        else:
            (country,) = c.country_list(
                c.text(entry["country"], f"{key}.country"), f"{key}.country"
            )
            shocks.append(FactorShock(sd, country=country))

    target_keys = ("countries", "regions", "sectors")
    multipliers = []
    for i, raw in enumerate(c.tables(top.get("pd_multipliers", []), "pd_multipliers")):
        key = f"pd_multipliers[{i}]"
        entry = c.table(raw, key, (*target_keys, "multiplier"))
        value = c.number(
            c.require(entry, "multiplier", key), f"{key}.multiplier", low=1.0, high=1000.0
        )
        multipliers.append(PdMultiplier(c.target(entry, key), value))

    floors = []
    for i, raw in enumerate(c.tables(top.get("pd_floors", []), "pd_floors")):
        key = f"pd_floors[{i}]"
        entry = c.table(raw, key, (*target_keys, "pd"))
        pd = c.number(c.require(entry, "pd", key), f"{key}.pd", low=0.0, high=1.0)
        floors.append(PdFloor(c.target(entry, key), pd))

    sanctions = []
    for i, raw in enumerate(c.tables(top.get("sanctions", []), "sanctions")):
        key = f"sanctions[{i}]"
        entry = c.table(raw, key, ("countries", "severity"))
        found = c.country_list(c.require(entry, "countries", key), f"{key}.countries")
        severity = c.number(c.require(entry, "severity", key), f"{key}.severity", low=0.0, high=1.0)
        sanctions.append(Sanction(found, severity))

    currency = []
    for i, raw in enumerate(c.tables(top.get("currency_shocks", []), "currency_shocks")):
        key = f"currency_shocks[{i}]"
        entry = c.table(raw, key, ("countries", "depreciation"))
        found = c.country_list(c.require(entry, "countries", key), f"{key}.countries")
        depreciation = c.number(
            c.require(entry, "depreciation", key),
            f"{key}.depreciation",
            low=0.0,
            high=1.0,
            high_open=True,
        )
        currency.append(CurrencyShock(found, depreciation))

    closures = []
    for i, raw in enumerate(c.tables(top.get("closures", []), "closures")):
        key = f"closures[{i}]"
        entry = c.table(raw, key, ("passages", "pd_multiplier"))
        found = c.passage_list(c.require(entry, "passages", key), f"{key}.passages")
        multiplier = c.number(
            entry.get("pd_multiplier", 1.0), f"{key}.pd_multiplier", low=1.0, high=1000.0
        )
        closures.append(Closure(found, multiplier))

    return Scenario(
        name=name,
        description=description,
        kind=kind,
        model=model,
        factor_shocks=tuple(shocks),
        pd_multipliers=tuple(multipliers),
        pd_floors=tuple(floors),
        sanctions=tuple(sanctions),
        currency_shocks=tuple(currency),
        closures=tuple(closures),
    )
