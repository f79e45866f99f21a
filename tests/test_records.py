"""The records are frozen, slotted dataclasses: the dataclass's own ``__init__``, no dict."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from typing import Any

import pytest

from beltroad import records
from beltroad.records import Money, OrgRef, ProjectRecord, Provenance

RECORD_CLASSES = [
    value
    for value in vars(records).values()
    if isinstance(value, type) and dataclasses.is_dataclass(value)
]


def _reference(cls: type) -> Any:
    """The same fields as a plain ``@dataclass(frozen=True)``: its generated ``__init__``."""
    spec = [
        (
            f.name,
            f.type,
            dataclasses.field(default=f.default)
            if f.default is not dataclasses.MISSING
            else dataclasses.field(default_factory=f.default_factory)
            if f.default_factory is not dataclasses.MISSING
            else dataclasses.field(),
        )
        for f in dataclasses.fields(cls)
    ]
    return dataclasses.make_dataclass(cls.__name__, spec, frozen=True)


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda c: c.__name__)
def test_the_init_takes_what_the_dataclass_init_takes(cls: type) -> None:
    assert len(RECORD_CLASSES) >= 15
    ours = inspect.signature(cls)
    theirs = inspect.signature(_reference(cls))
    assert [(p.name, p.kind) for p in ours.parameters.values()] == [
        (p.name, p.kind) for p in theirs.parameters.values()
    ]
    for name, parameter in ours.parameters.items():
        other = theirs.parameters[name].default
        if parameter.default is inspect.Parameter.empty:
            assert other is inspect.Parameter.empty, name
        else:  # a value, or the "<factory>" marker of a default_factory
            assert repr(parameter.default) == repr(other), name


def test_a_record_is_frozen_comparable_hashable_and_picklable() -> None:
    money = Money("GBP", 1.0)
    assert not hasattr(money, "__dict__")  # slotted
    assert OrgRef("Bank of  China").key == "name:bank of china"  # a property, not a cached one
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.currency = "USD"  # type: ignore[misc]
    assert money == Money(currency="GBP", original=1.0)
    assert hash(money) == hash(Money("GBP", 1.0))
    assert repr(money) == (
        "Money(currency='GBP', original=1.0, usd_nominal=None, usd_constant=None, base_year=None)"
    )
    assert pickle.loads(pickle.dumps(money)) == money  # noqa: S301 - our own bytes
    assert dataclasses.replace(money, currency="EUR").currency == "EUR"
    assert dataclasses.asdict(OrgRef("A", ref="XM-1"))["ref"] == "XM-1"


def test_default_factories_give_each_record_its_own_value() -> None:
    first = ProjectRecord("XM-1", "A road", Provenance("demo"))
    second = ProjectRecord("XM-2", "A port", Provenance("demo"))
    assert first.extras == {}
    assert first.extras is not second.extras
    assert ProjectRecord("XM-3", "x", Provenance("demo"), extras={"a": 1}).extras == {"a": 1}


def test_missing_and_unknown_arguments_are_refused() -> None:
    with pytest.raises(TypeError, match="provenance"):
        ProjectRecord("XM-1", "A road")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="bogus"):
        Money(bogus=1)  # type: ignore[call-arg]
