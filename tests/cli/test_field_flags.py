"""The CLI's one error wrapper turns a service's field names into the options of the command."""

from __future__ import annotations

from beltroad.cli.main import _with_options
from beltroad.errors import InvalidInput, NotFound


def test_a_field_becomes_the_option_of_the_command_that_ran() -> None:
    exc = InvalidInput.at("expected a speed above 0 knots", field="speed_kn", value=0.0)
    mapped = _with_options(exc, ["--db", "sqlite://", "routes", "A", "B", "--speed", "0"])
    assert mapped.message == "field --speed: 0.0: expected a speed above 0 knots"
    nested = InvalidInput.at("expected 1 to 5", field="residual_likelihood", value=9)
    args = ["risk", "register", "add", "--residual-likelihood", "9"]
    assert "field --residual-likelihood" in _with_options(nested, args).message


def test_global_options_and_unknown_fields() -> None:
    exc = InvalidInput.at("not a database URL", field="db", value="x")
    assert "field --db" in _with_options(exc, ["summary"]).message
    other = InvalidInput.at("expected something", field="no_such_field", value=1)
    assert "field no_such_field" in _with_options(other, ["summary"]).message


def test_a_column_of_a_file_is_not_an_option() -> None:
    exc = InvalidInput.at("bad", file="x.csv", row=3, field="country", value="XX")
    assert _with_options(exc, ["export", "csv", "out.csv"]).message == exc.message
    missing = NotFound("no such thing")
    assert _with_options(missing, ["summary"]) is missing


def test_a_message_a_command_already_translated_is_kept() -> None:
    exc = InvalidInput.at("needs a justification", field="justification", value=None)
    exc.message = exc.message.replace("field justification", "--reason")
    assert _with_options(exc, ["green", "override", "P", "green"]).message == exc.message
