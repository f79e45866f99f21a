"""``beltroad select`` and ``beltroad benefits``: a few lines over the services."""

from pathlib import Path
from typing import Annotated

import typer

from beltroad.cli.output import Format, FormatOption, emit
from beltroad.errors import InvalidInput

FLAGS = {
    "budget": "--budget",
    "weights": "--weights",
    "ahp": "--ahp",
    "matrix": "--ahp (matrix)",
    "include": "--include",
    "exclude": "--exclude",
    "min_green_share": "--min-green-share",
    "method": "--method",
    "objective": "--objective",
    "indicators": "--indicators",
    "selection_config": "--selection-config",
    "benefits_config": "--benefits-config",
}


def register(app: typer.Typer) -> None:
    app.command("select")(select_command)
    app.command("benefits")(benefits_command)


def _flagged(exc: InvalidInput) -> InvalidInput:
    for p in exc.problems:
        if p.field in FLAGS:
            exc.message = exc.message.replace(f"field {p.field}", FLAGS[p.field])
    if exc.hint == "revise the judgements, or force their use":
        exc.hint = "revise the judgements, or pass --force to use them anyway"
    return exc


def _pairs(items: list[str] | None, option: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items or []:
        for part in item.split(","):
            key, sep, value = part.partition("=")
            try:
                out[key.strip()] = float(value)
            except ValueError:
                raise InvalidInput.at("expected NAME=NUMBER", field=option, value=part) from None
            if not sep:
                raise InvalidInput.at("expected NAME=NUMBER", field=option, value=part)
    return out


def select_command(
    ctx: typer.Context,
    budget: Annotated[float, typer.Option("--budget", help="Budget in constant USD (required).")],
    method: Annotated[str, typer.Option("--method", help="topsis or promethee.")] = "topsis",
    objective: Annotated[
        str, typer.Option("--objective", help="score_x_amount (default) or score.")
    ] = "score_x_amount",
    weights: Annotated[
        list[str] | None,
        typer.Option("--weights", help="Criterion weights, e.g. green=0.3,risk=0.2 (normalised)."),
    ] = None,
    ahp: Annotated[
        Path | None,
        typer.Option("--ahp", help="TOML with criteria = [...] and a pairwise matrix = [[...]]."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Use an AHP matrix even if its CR exceeds 0.1.")
    ] = False,
    country_cap: Annotated[
        list[str] | None,
        typer.Option("--country-cap", help="ISO3=USD, repeatable: amount cap per country."),
    ] = None,
    min_green_share: Annotated[
        float | None, typer.Option("--min-green-share", help="Minimum green share by amount, 0-1.")
    ] = None,
    max_risk: Annotated[
        float | None,
        typer.Option("--max-risk", help="Maximum amount-weighted country risk score (0-100)."),
    ] = None,
    include: Annotated[
        list[str] | None, typer.Option("--include", help="Must-include identifier (repeatable).")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Must-exclude identifier (repeatable).")
    ] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    base_year: Annotated[
        int | None, typer.Option("--base-year", help="Constant-USD base year (default: commonest).")
    ] = None,
    selection_config: Annotated[
        Path | None,
        typer.Option("--selection-config", help="TOML merged over the packaged selection.toml."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Table: rows shown.")] = 30,
    fmt: FormatOption = Format.table,
) -> None:
    """Flagship selection: MCDA ranking plus the best set within the budget and limits."""
    from beltroad.cli.main import state
    from beltroad.services import selection
    from beltroad.services.workspace import open_workspace

    try:
        config = selection.load_config(selection_config)
        request = selection.SelectionRequest(
            budget=budget,
            method=method,
            objective=objective,
            weights=_pairs(weights, "--weights") if weights else None,
            ahp=selection.read_ahp(ahp) if ahp else None,
            force=force,
            country_caps=_pairs(country_cap, "--country-cap"),
            min_green_share=min_green_share,
            max_risk=max_risk,
            include=tuple(include or ()),
            exclude=tuple(exclude or ()),
            dataset=dataset,
            base_year=base_year,
        )
        workspace = open_workspace(state(ctx).settings())
        try:
            report = selection.select(workspace, request, config=config)
        finally:
            workspace.close()
    except InvalidInput as exc:
        raise _flagged(exc) from None
    if fmt is Format.json:
        emit(report.as_dict(), [], fmt)
        return
    if fmt is Format.csv:
        emit({}, report.rows(), fmt)
        return
    chosen = report.chosen()
    emit({}, report.rows(limit), fmt, title=f"flagship selection ({len(chosen)} chosen)")
    criteria = [
        {
            "criterion": c.key,
            "type": "benefit" if c.type > 0 else "cost",
            "weight": round(c.weight, 4),
            "missing (filled worst)": c.missing,
            "dropped": c.dropped or "",
        }
        for c in report.ranking.criteria
    ]
    emit({}, criteria, fmt, title=f"criteria ({report.ranking.method})")
    total = sum(d["amount"] for d in chosen)
    shadow = report.result.budget_shadow_price
    shadow_text = "n/a" if shadow is None else f"{shadow:.4g}"
    emit(
        {},
        report.constraint_rows(),
        fmt,
        title="constraints",
        note="\n".join(
            [
                f"status {report.result.status} (MIP gap {report.result.mip_gap}); "
                f"chosen amount {total:,.0f} of {budget:,.0f}; "
                f"budget shadow price (LP relaxation) {shadow_text}",
                *report.notes(),
            ]
        ),
    )


def benefits_command(
    ctx: typer.Context,
    indicators: Annotated[
        Path | None,
        typer.Option("--indicators", help="CSV: identifier plus indicator columns (see docs)."),
    ] = None,
    projects: Annotated[
        bool, typer.Option("--projects", help="Table/CSV: per project instead of per country.")
    ] = False,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    benefits_config: Annotated[
        Path | None,
        typer.Option("--benefits-config", help="TOML merged over the packaged benefits.toml."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Table: rows shown.")] = 30,
    fmt: FormatOption = Format.table,
) -> None:
    """Benefit-sharing balance per country (or project): host vs investor side, with coverage."""
    from beltroad.cli.main import state
    from beltroad.services import benefits
    from beltroad.services.workspace import open_workspace

    try:
        config = benefits.load_config(benefits_config)
        supplied = benefits.read_indicators(indicators, config) if indicators else None
        workspace = open_workspace(state(ctx).settings())
        try:
            report = benefits.benefits_report(
                workspace, supplied=supplied, config=config, dataset=dataset
            )
        finally:
            workspace.close()
    except InvalidInput as exc:
        raise _flagged(exc) from None
    if fmt is Format.json:
        emit(report.as_dict(), [], fmt)
        return
    which = "projects" if projects else "countries"
    rows = report.rows(which, None if fmt is Format.csv else limit)
    emit({}, rows, fmt, title=f"benefit balance per {which[:-1]}", note=report.note())
