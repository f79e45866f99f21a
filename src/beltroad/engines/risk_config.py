"""The risk configuration: weights, normalisation bounds, bands, PDs and thresholds, checked.

Pure: a parsed TOML mapping in, a frozen :class:`RiskConfig` out. The packaged defaults live in
``beltroad/config/risk.toml``; a user file is merged over them with :func:`merge` (tables key by
key, everything else replaced) and the result is validated as a whole. Every numeric parameter
must carry a verification tag from standards.md §0 (``[V]``, ``[S]``, ``[M]``, ``[N]``) in its
section's ``tags`` table, so that no number in a score is without a source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from beltroad.errors import InvalidInput

METHODS = ("linear", "debt_threshold", "log_zscore")
CAPACITIES = ("weak", "medium", "strong")
TAGS = ("[V]", "[S]", "[M]", "[N]")
_COMMON = {"label": str, "indicator": str, "method": str, "weight": float, "tags": dict}
_BY_METHOD: dict[str, dict[str, type]] = {
    "linear": {"lower": float, "upper": float, "higher_is_riskier": bool, "max_age_years": int},
    "debt_threshold": {"ceiling_multiple": float, "max_age_years": int},
    "log_zscore": {
        "window_years": int,
        "min_months": int,
        "min_window_months": int,
        "log_offset": float,
        "z_low": float,
        "z_high": float,
    },
}
_REGISTER = {
    "escalation_threshold": int,
    "review_interval_days": int,
    "likelihood_cuts": list,
    "impact_usd_cuts": list,
    "project_min_usd": float,
    "unknown_impact": int,
    "incident_likelihood_step": int,
    "tags": dict,
}
_WARNINGS = {
    "score_jump": float,
    "gpr_spike_z": float,
    "gpr_lookback_months": int,
    "milestone_slip_days": int,
    "incident_lookback_days": int,
    "tags": dict,
}
_INCIDENTS = {"radius_km": float, "earth_radius_km": float, "tags": dict}
_LIC_DSF = {
    "label": str,
    "default_capacity": str,
    "weak": float,
    "medium": float,
    "strong": float,
    "capacity": dict,
    "tags": dict,
}
_TOP = (
    "version",
    "score",
    "components",
    "lic_dsf",
    "bands",
    "pd",
    "register",
    "warnings",
    "incidents",
)


@dataclass(frozen=True)
class ComponentSpec:
    """One input of the composite: where its value comes from and how it is normalised."""

    key: str
    label: str
    indicator: str
    method: str
    weight: float
    params: Mapping[str, float | int | bool]
    tags: Mapping[str, str]

    def param(self, name: str) -> float:
        return float(self.params[name])


@dataclass(frozen=True)
class LicDsf:
    label: str
    default_capacity: str
    thresholds: Mapping[str, float]  # capacity -> % of GDP
    capacity: Mapping[str, str]  # iso3 -> capacity

    def threshold_for(self, iso3: str) -> tuple[str, float]:
        capacity = self.capacity.get(iso3, self.default_capacity)
        return capacity, self.thresholds[capacity]


@dataclass(frozen=True)
class RegisterParams:
    escalation_threshold: int
    review_interval_days: int
    likelihood_cuts: tuple[float, ...]
    impact_usd_cuts: tuple[float, ...]
    project_min_usd: float
    unknown_impact: int
    incident_likelihood_step: int = 1


@dataclass(frozen=True)
class WarningParams:
    score_jump: float
    gpr_spike_z: float
    gpr_lookback_months: int
    milestone_slip_days: int
    incident_lookback_days: int


@dataclass(frozen=True)
class RiskConfig:
    version: str
    source: str
    min_coverage: float
    components: tuple[ComponentSpec, ...]
    lic_dsf: LicDsf
    bands: tuple[tuple[str, float], ...]  # (name, lower bound), ascending
    pd: Mapping[str, float]
    register: RegisterParams
    warnings: WarningParams
    radius_km: float
    earth_radius_km: float

    def component(self, key: str) -> ComponentSpec | None:
        return next((c for c in self.components if c.key == key), None)

    def band_of(self, score: float) -> str:
        name = self.bands[0][0]
        for band, lower in self.bands:
            if score >= lower:
                name = band
        return name


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``: tables merge key by key, any other value replaces."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, value: object, reason: str) -> InvalidInput:
        return InvalidInput.at(reason, file=self.source, field=field, value=value)

    def table(self, data: Any, field: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise self.fail(field, data, "expected a table")
        return data

    def keys(self, data: Mapping[str, Any], allowed: Mapping[str, type], field: str) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(
                    f"{field}.{key}", data[key], f"unknown key (allowed: {', '.join(allowed)})"
                )
        for key in allowed:
            if key not in data and key not in ("tags", "capacity"):
                raise self.fail(f"{field}.{key}", None, "missing")

    def typed(self, data: Mapping[str, Any], kinds: Mapping[str, type], field: str) -> None:
        for key, kind in kinds.items():
            if key not in data:
                continue
            value = data[key]
            ok = (
                isinstance(value, int | float) and not isinstance(value, bool)
                if kind is float
                else isinstance(value, int) and not isinstance(value, bool)
                if kind is int
                else isinstance(value, kind)
            )
            if not ok:
                raise self.fail(f"{field}.{key}", value, f"expected {_kind_name(kind)}")

    def tagged(self, data: Mapping[str, Any], field: str) -> dict[str, str]:
        tags = self.table(data.get("tags", {}), f"{field}.tags")
        for key, value in data.items():
            numeric = isinstance(value, int | float | list) and not isinstance(value, bool)
            if key in ("weight", "default_capacity") or numeric:
                tag = tags.get(key)
                if not isinstance(tag, str) or not tag.startswith(TAGS):
                    raise self.fail(
                        f"{field}.tags.{key}",
                        tag,
                        f"every parameter needs a verification tag and source (expected a "
                        f'text starting with one of {", ".join(TAGS)}, e.g. "[N] platform '
                        f'assumption")',
                    )
        return {str(k): str(v) for k, v in tags.items()}


def _kind_name(kind: type) -> str:
    return {
        float: "a number",
        int: "a whole number",
        bool: "true or false",
        str: "a text",
        dict: "a table",
        list: "a list",
    }[kind]


def parse_config(data: Mapping[str, Any], *, source: str) -> RiskConfig:
    """Validate a merged configuration mapping; every problem names the key, value and allowed
    values. ``source`` names the file(s) in error messages."""
    c = _Checker(source)
    for key in data:
        if key not in _TOP:
            raise c.fail(key, data[key], f"unknown key (allowed: {', '.join(_TOP)})")
    for key in _TOP:
        if key not in data:
            raise c.fail(key, None, "missing")
    if not isinstance(data["version"], str) or not data["version"].strip():
        raise c.fail("version", data["version"], "expected a non-empty text")
    score = c.table(data["score"], "score")
    c.keys(score, {"min_coverage": float, "tags": dict}, "score")
    c.typed(score, {"min_coverage": float}, "score")
    c.tagged(score, "score")
    min_coverage = float(score["min_coverage"])
    if not 0 < min_coverage <= 1:
        raise c.fail("score.min_coverage", min_coverage, "expected a share above 0, at most 1")
    components = _components(c, c.table(data["components"], "components"))
    lic_dsf = _lic_dsf(c, c.table(data["lic_dsf"], "lic_dsf"))
    bands, pd = _bands(c, c.table(data["bands"], "bands"), c.table(data["pd"], "pd"))
    register = _register(c, c.table(data["register"], "register"))
    warnings = c.table(data["warnings"], "warnings")
    c.keys(warnings, _WARNINGS, "warnings")
    c.typed(warnings, _WARNINGS, "warnings")
    c.tagged(warnings, "warnings")
    for key in _WARNINGS:
        if key == "tags":
            continue
        if warnings[key] <= 0:
            raise c.fail(f"warnings.{key}", warnings[key], "expected a value above 0")
    incidents = c.table(data["incidents"], "incidents")
    c.keys(incidents, _INCIDENTS, "incidents")
    c.typed(incidents, _INCIDENTS, "incidents")
    c.tagged(incidents, "incidents")
    for key in ("radius_km", "earth_radius_km"):
        if incidents[key] <= 0:
            raise c.fail(f"incidents.{key}", incidents[key], "expected a distance above 0 km")
    return RiskConfig(
        version=data["version"].strip(),
        source=source,
        min_coverage=min_coverage,
        components=components,
        lic_dsf=lic_dsf,
        bands=bands,
        pd=pd,
        register=register,
        warnings=WarningParams(
            score_jump=float(warnings["score_jump"]),
            gpr_spike_z=float(warnings["gpr_spike_z"]),
            gpr_lookback_months=int(warnings["gpr_lookback_months"]),
            milestone_slip_days=int(warnings["milestone_slip_days"]),
            incident_lookback_days=int(warnings["incident_lookback_days"]),
        ),
        radius_km=float(incidents["radius_km"]),
        earth_radius_km=float(incidents["earth_radius_km"]),
    )


def _components(c: _Checker, table: Mapping[str, Any]) -> tuple[ComponentSpec, ...]:
    specs: list[ComponentSpec] = []
    for key, raw in table.items():
        field = f"components.{key}"
        spec = c.table(raw, field)
        method = spec.get("method")
        if method not in METHODS:
            raise c.fail(
                f"{field}.method", method, f"unknown method (allowed: {', '.join(METHODS)})"
            )
        allowed = _COMMON | _BY_METHOD[method]
        c.keys(spec, allowed, field)
        c.typed(spec, allowed, field)
        tags = c.tagged(spec, field)
        weight = float(spec["weight"])
        if weight < 0:
            raise c.fail(f"{field}.weight", weight, "expected a weight of 0 or more")
        params: dict[str, float | int | bool] = {k: spec[k] for k in _BY_METHOD[method]}
        if method == "linear" and float(spec["upper"]) <= float(spec["lower"]):
            raise c.fail(f"{field}.upper", spec["upper"], f"must be above lower ({spec['lower']})")
        if method == "log_zscore":
            if float(spec["z_high"]) <= float(spec["z_low"]):
                raise c.fail(
                    f"{field}.z_high", spec["z_high"], f"must be above z_low ({spec['z_low']})"
                )
            if float(spec["log_offset"]) <= 0:
                raise c.fail(f"{field}.log_offset", spec["log_offset"], "expected a number above 0")
            for name in ("window_years", "min_months", "min_window_months"):
                if int(spec[name]) < 1:
                    raise c.fail(f"{field}.{name}", spec[name], "expected 1 or more")
        if method == "debt_threshold" and float(spec["ceiling_multiple"]) <= 0:
            raise c.fail(f"{field}.ceiling_multiple", spec["ceiling_multiple"], "expected above 0")
        if "max_age_years" in params and int(params["max_age_years"]) < 0:
            raise c.fail(f"{field}.max_age_years", params["max_age_years"], "expected 0 or more")
        if weight > 0:
            specs.append(
                ComponentSpec(key, spec["label"], spec["indicator"], method, weight, params, tags)
            )
    total = sum(s.weight for s in specs)
    if not specs or abs(total - 1.0) > 1e-6:
        shown = ", ".join(f"{s.key}={s.weight:g}" for s in specs) or "none above 0"
        raise c.fail(
            "components.*.weight",
            round(total, 6),
            f"the component weights must sum to 1 (they sum to {total:.6g}: {shown})",
        )
    return tuple(specs)


def _lic_dsf(c: _Checker, table: Mapping[str, Any]) -> LicDsf:
    c.keys(table, _LIC_DSF, "lic_dsf")
    c.typed(table, _LIC_DSF, "lic_dsf")
    c.tagged(table, "lic_dsf")
    thresholds = {cap: float(table[cap]) for cap in CAPACITIES}
    for cap, value in thresholds.items():
        if value <= 0:
            raise c.fail(f"lic_dsf.{cap}", value, "expected a threshold above 0 (% of GDP)")
    if table["default_capacity"] not in CAPACITIES:
        raise c.fail(
            "lic_dsf.default_capacity",
            table["default_capacity"],
            f"unknown capacity (allowed: {', '.join(CAPACITIES)})",
        )
    capacity = c.table(table.get("capacity", {}), "lic_dsf.capacity")
    for iso3, cap in capacity.items():
        if cap not in CAPACITIES:
            raise c.fail(f"lic_dsf.capacity.{iso3}", cap, f"allowed: {', '.join(CAPACITIES)}")
    return LicDsf(
        str(table["label"]),
        str(table["default_capacity"]),
        thresholds,
        {str(k).upper(): str(v) for k, v in capacity.items()},
    )


def _bands(
    c: _Checker, bands: Mapping[str, Any], pd: Mapping[str, Any]
) -> tuple[tuple[tuple[str, float], ...], dict[str, float]]:
    names = [k for k in bands if k != "tags"]
    for name in pd:
        if name != "tags" and name not in names:
            raise c.fail(f"pd.{name}", pd[name], f"not a band (allowed: {', '.join(names)})")
    c.tagged(bands, "bands")
    c.tagged(pd, "pd")
    if not names:
        raise c.fail("bands", None, "expected at least one band: name = lower bound")
    c.typed(bands, dict.fromkeys(names, float), "bands")
    ordered = sorted(((n, float(bands[n])) for n in names), key=lambda item: item[1])
    if ordered[0][1] != 0.0:
        raise c.fail(f"bands.{ordered[0][0]}", ordered[0][1], "the lowest band must start at 0")
    if len({lower for _, lower in ordered}) != len(ordered) or ordered[-1][1] >= 100:
        raise c.fail(
            "bands", dict(ordered), "expected distinct lower bounds from 0 up to below 100"
        )
    pd_names = [k for k in pd if k != "tags"]
    c.typed(pd, dict.fromkeys(pd_names, float), "pd")
    previous = 0.0
    for name, _ in ordered:
        if name not in pd:
            raise c.fail(f"pd.{name}", None, "missing: every band needs an annual PD")
        value = float(pd[name])
        if not 0 < value < 1:
            raise c.fail(f"pd.{name}", value, "expected a probability above 0 and below 1")
        if value < previous:
            raise c.fail(f"pd.{name}", value, "PDs must not fall as the band rises")
        previous = value
    return tuple(ordered), {name: float(pd[name]) for name, _ in ordered}


def _register(c: _Checker, table: Mapping[str, Any]) -> RegisterParams:
    c.keys(table, _REGISTER, "register")
    c.typed(table, _REGISTER, "register")
    c.tagged(table, "register")
    if not 1 <= table["escalation_threshold"] <= 25:
        raise c.fail(
            "register.escalation_threshold", table["escalation_threshold"], "expected 1 to 25"
        )
    if table["review_interval_days"] < 1:
        raise c.fail("register.review_interval_days", table["review_interval_days"], "expected 1+")
    if not 0 <= table["incident_likelihood_step"] <= 4:
        raise c.fail(
            "register.incident_likelihood_step",
            table["incident_likelihood_step"],
            "expected 0 to 4",
        )
    if not 1 <= table["unknown_impact"] <= 5:
        raise c.fail("register.unknown_impact", table["unknown_impact"], "expected 1 to 5")
    cuts: dict[str, tuple[float, ...]] = {}
    for name in ("likelihood_cuts", "impact_usd_cuts"):
        values = table[name]
        if (
            len(values) != 4
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
            or list(values) != sorted(set(values))
        ):
            raise c.fail(
                f"register.{name}", values, "expected 4 increasing numbers (the cuts between 1-5)"
            )
        cuts[name] = tuple(float(v) for v in values)
    return RegisterParams(
        escalation_threshold=int(table["escalation_threshold"]),
        review_interval_days=int(table["review_interval_days"]),
        likelihood_cuts=cuts["likelihood_cuts"],
        impact_usd_cuts=cuts["impact_usd_cuts"],
        project_min_usd=float(table["project_min_usd"]),
        unknown_impact=int(table["unknown_impact"]),
        incident_likelihood_step=int(table["incident_likelihood_step"]),
    )


__all__ = [
    "CAPACITIES",
    "METHODS",
    "ComponentSpec",
    "LicDsf",
    "RegisterParams",
    "RiskConfig",
    "WarningParams",
    "merge",
    "parse_config",
]
