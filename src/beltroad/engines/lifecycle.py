"""The project lifecycle state machine and the validation rules a submitted record must pass.

Pure: the configuration (``config/lifecycle.toml``) and a record's fields in, decisions out.

>>> config = parse_lifecycle({"initial": "idea", "states": {"idea": {"iati_status": 1,
...     "funnel_stage": "pipeline", "requires": ["title"]}}, "transitions": {"idea": []}})
>>> config.allowed("idea")
()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from beltroad.errors import InvalidInput

#: Fields a state may require, and how a record shows it has them.
REQUIRABLE: tuple[str, ...] = (
    "title",
    "description",
    "countries",
    "sectors",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "commitment_year",
    "amount",
    "unit_id",
    "corridor_id",
)


@dataclass(frozen=True)
class LifecycleState:
    name: str
    iati_status: int
    funnel_stage: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class LifecycleConfig:
    version: str
    initial: str
    states: Mapping[str, LifecycleState]
    transitions: Mapping[str, tuple[str, ...]]
    from_iati_status: Mapping[int, str]

    def allowed(self, state: str) -> tuple[str, ...]:
        return self.transitions.get(state, ())

    def current(self, state: str | None, iati_status: int | None) -> str:
        """A project's state: its own, else the one its IATI status implies, else initial."""
        if state is not None:
            return state
        if iati_status is not None and iati_status in self.from_iati_status:
            return self.from_iati_status[iati_status]
        return self.initial

    def check_transition(self, current: str, target: str) -> LifecycleState:
        """The target state, if ``current -> target`` is allowed; else a clear refusal."""
        if target not in self.states:
            raise InvalidInput.at(
                f"unknown lifecycle state (expected one of {', '.join(self.states)})",
                field="to_state",
                value=target,
            )
        allowed = self.allowed(current)
        if target not in allowed:
            options = ", ".join(allowed) if allowed else "none: it is a final state"
            raise InvalidInput.at(
                f"a project cannot move from {current} to {target} (allowed from {current}: "
                f"{options})",
                field="to_state",
                value=target,
            )
        return self.states[target]


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput.at("expected a list of names", field=where, value=value)
    return tuple(value)


def parse_lifecycle(data: Mapping[str, Any], *, source: str = "lifecycle.toml") -> LifecycleConfig:
    """Check and build the configuration; every problem names the key."""
    states: dict[str, LifecycleState] = {}
    for name, spec in dict(data.get("states") or {}).items():
        status = spec.get("iati_status")
        if not isinstance(status, int) or not 1 <= status <= 6:
            raise InvalidInput.at(
                "expected an IATI ActivityStatus code 1-6",
                file=source,
                field=f"states.{name}.iati_status",
                value=status,
            )
        requires = _strings(spec.get("requires", []), f"states.{name}.requires")
        unknown = [f for f in requires if f not in REQUIRABLE]
        if unknown:
            raise InvalidInput.at(
                f"unknown required field(s) {unknown} (expected any of {', '.join(REQUIRABLE)})",
                file=source,
                field=f"states.{name}.requires",
            )
        states[name] = LifecycleState(name, status, str(spec.get("funnel_stage", "")), requires)
    if not states:
        raise InvalidInput.at("no states defined", file=source, field="states")
    transitions: dict[str, tuple[str, ...]] = {}
    for name, targets in dict(data.get("transitions") or {}).items():
        listed = _strings(targets, f"transitions.{name}")
        bad = [t for t in (name, *listed) if t not in states]
        if bad:
            raise InvalidInput.at(
                f"unknown state(s) {bad}", file=source, field=f"transitions.{name}"
            )
        transitions[name] = listed
    initial = str(data.get("initial", ""))
    if initial not in states:
        raise InvalidInput.at("the initial state is not a state", file=source, field="initial")
    from_iati = {int(k): str(v) for k, v in dict(data.get("from_iati_status") or {}).items()}
    return LifecycleConfig(
        version=str(data.get("version", "unversioned")),
        initial=initial,
        states=states,
        transitions=transitions,
        from_iati_status=from_iati,
    )


# --- validation on submit --------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFailure:
    """One failing validation rule: which rule, which field, and what is wrong."""

    rule: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "field": self.field, "message": self.message}


def has_field(record: Mapping[str, Any], name: str) -> bool:
    if name == "amount":
        return record.get("amount_original") is not None or (
            record.get("amount_usd_constant") is not None
        )
    value = record.get(name)
    return value not in (None, "", [], ())


def _shares(record: Mapping[str, Any], name: str) -> list[RuleFailure]:
    splits: Sequence[Mapping[str, Any]] = record.get(name) or []
    if not splits:
        return []
    total = sum(float(s.get("percentage") or 0) for s in splits)
    if abs(total - 100.0) > 0.01:
        return [
            RuleFailure(
                "shares_sum_to_100", name, f"the {name} percentages sum to {total:g}, not 100"
            )
        ]
    return []


def validate_record(
    record: Mapping[str, Any],
    state: LifecycleState,
    *,
    identifier_taken: bool,
) -> list[RuleFailure]:
    """Every failing rule of a project record about to be submitted, in a stable order."""
    failures: list[RuleFailure] = []
    for name in state.requires:
        if not has_field(record, name):
            failures.append(
                RuleFailure("required_for_state", name, f"{name} is required in state {state.name}")
            )
    failures += _shares(record, "countries")
    failures += _shares(record, "sectors")
    if identifier_taken:
        failures.append(
            RuleFailure("unique_identifier", "identifier", "another project has this identifier")
        )
    start, end = record.get("planned_start"), record.get("planned_end")
    if start is not None and end is not None and str(end) < str(start):
        failures.append(
            RuleFailure("dates_in_order", "planned_end", "planned_end is before planned_start")
        )
    start, end = record.get("actual_start"), record.get("actual_end")
    if start is not None and end is not None and str(end) < str(start):
        failures.append(
            RuleFailure("dates_in_order", "actual_end", "actual_end is before actual_start")
        )
    if record.get("amount_original") is not None and not record.get("amount_currency"):
        failures.append(
            RuleFailure("amount_has_currency", "amount_currency", "an amount needs its currency")
        )
    if record.get("amount_usd_constant") is not None and not record.get("amount_base_year"):
        failures.append(
            RuleFailure(
                "amount_has_basis",
                "amount_base_year",
                "a constant-USD amount needs its base year",
            )
        )
    return failures
