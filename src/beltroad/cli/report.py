"""``beltroad report``: the symposium brief as HTML or PDF (issue #18 part 4)."""

from pathlib import Path
from typing import Annotated

import typer

from beltroad.cli.output import stderr_console, with_flags
from beltroad.errors import BeltroadError, DataUnavailable, InvalidInput


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


def report_command(
    ctx: typer.Context,
    lang: Annotated[str, typer.Option("--lang", help="Language of the brief: en or zh.")] = "en",
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Write a PDF (WeasyPrint, CJK font embedded).")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write it (default: brief-LANG.html or .pdf)."),
    ] = None,
    stress_scenarios: Annotated[
        int,
        typer.Option(
            "--stress-scenarios", min=1, help="Scenarios of the brief's stress test [N: 10,000]."
        ),
    ] = 10_000,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the stress test.")] = None,
) -> None:
    """The symposium brief: headline figures, map and charts, funnel, risks, the Red Sea, green
    share, benefits, flagships, and the sources behind them, in English or Chinese."""
    from beltroad.cli.main import state
    from beltroad.report.brief import write_brief
    from beltroad.report.render import FontMissing

    target = out or Path(f"brief-{lang}.{'pdf' if pdf else 'html'}")
    try:
        result = write_brief(
            state(ctx).settings(),
            target,
            lang=lang,
            pdf=pdf,
            stress_scenarios=stress_scenarios,
            seed=seed,
        )
    except InvalidInput as exc:
        raise with_flags(
            exc, {"lang": "--lang", "stress_scenarios": "--stress-scenarios"}
        ) from None
    except FontMissing as exc:
        raise BeltroadError(str(exc)) from None
    except OSError as exc:
        raise DataUnavailable(f"cannot write {target}: {exc.strerror or exc}") from None
    missing = [f"{k}: {why}" for k, why in result.missing.items()]
    for line in missing:
        stderr_console().print(f"section not computed, {line}", markup=False)
    pages = f", {result.pages} pages" if result.pages is not None else ""
    typer.echo(
        f"wrote {result.path} ({result.lang}{pages}; gathered in {result.gather_s:.1f} s, "
        f"rendered in {result.render_s:.1f} s)"
    )
