"""``beltroad.open(url)``: the registry for notebooks, with every analytic as a pandas DataFrame.

The methods call the same services as the CLI and the web app; they only reshape the result.
What a table cannot hold (the rule applied, the base year, totals, the synthetic label, the
reconciliation) goes into ``DataFrame.attrs``, so a result still explains itself::

    import beltroad
    with beltroad.open("sqlite:///beltroad.db") as portfolio:
        by_country = portfolio.breakdown("country", filters={"year": 2015})
        by_country.attrs["rule"], by_country.attrs["total"]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pandas as pd

from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import load_settings

if TYPE_CHECKING:
    from beltroad.services.exports import ProjectFilter


class Portfolio:
    """An open beltroad registry. Use as a context manager, or call :meth:`close`."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def __enter__(self) -> Portfolio:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.workspace.close()

    def __repr__(self) -> str:
        return f"<beltroad.Portfolio {self.workspace.database_label}>"

    def breakdown(
        self,
        by: str | Sequence[str],
        *,
        measure: str = "commitment",
        rule: str = "aiddata",
        filters: Mapping[str, Any] | None = None,
        split_counts: bool = False,
        base_year: int | None = None,
        deflator: str | None = None,
    ) -> pd.DataFrame:
        """One row per group: the dimensions, ``projects`` and ``amount``, as the CLI gives.

        ``by`` is a dimension or a list ("country", ["country", "sector"], "country,sector");
        ``filters`` a mapping ({"year": 2015, "country": None} -- None selects "unspecified"),
        passed to the service as it is. Amounts are in constant ``base_year`` USD (default:
        the newest base year in the data); without a deflator for other bases the frame gains a
        ``basis`` column and ``attrs["totals_by_basis"]`` holds one total per basis.
        ``attrs["money"]`` says how amounts were converted and what was left out.
        """
        from beltroad.services.breakdown import breakdown

        dims = [d.strip() for d in by.split(",")] if isinstance(by, str) else list(by)
        result = breakdown(
            self.workspace,
            dims,
            measure=measure,
            rule=rule,
            filters=filters,
            split_counts=split_counts,
            base_year=base_year,
            deflator=deflator,
        )
        frame = pd.DataFrame(result.rows, columns=[*result.by, "projects", "amount"])
        frame.attrs.update({k: v for k, v in result.as_dict().items() if k != "rows"})
        return frame

    def headline(
        self, as_of: str | dt.date | None = None, *, base_year: int | None = None
    ) -> pd.DataFrame:
        """One row per headline figure with its reported statistic and verdict; the investment
        stock in constant ``base_year`` USD (default: the newest base year of the stocks)."""
        from beltroad.services.headline import headline

        result = headline(self.workspace, as_of, base_year=base_year)
        frame = pd.DataFrame(result.rows()).set_index("figure")
        frame.attrs.update(result.as_dict())
        return frame

    def funnel(
        self,
        *,
        as_of: str | dt.date | None = None,
        stalled_months: int = 12,
        worst: int = 10,
        rule: str = "aiddata",
        base_year: int | None = None,
    ) -> pd.DataFrame:
        """One row per stage; slippage, worst cases and stalled projects are in ``attrs``;
        amounts in constant ``base_year`` USD (``attrs["money"]`` says how they were converted)."""
        from beltroad.services.funnel import funnel

        result = funnel(
            self.workspace,
            as_of=as_of,
            stalled_months=stalled_months,
            worst=worst,
            rule=rule,
            base_year=base_year,
        )
        frame = pd.DataFrame(result.rows()).set_index("stage")
        frame.attrs.update(result.as_dict())
        return frame

    def export(
        self,
        kind: str,
        path: str | Path,
        flt: ProjectFilter | None = None,
        *,
        validate: bool = False,
    ) -> dict[str, Any]:
        """Write the projects passing ``flt`` (default: all) to ``path`` as ``kind`` (iati, csv,
        xlsx, parquet or geojson), through the same service as ``beltroad export``; the report
        says how many were written."""
        from beltroad.services.exports import ALL_PROJECTS, export

        report = export(self.workspace, kind, Path(path), flt or ALL_PROJECTS, validate=validate)
        return report.as_dict()

    def summary(self, *, base_year: int | None = None) -> dict[str, Any]:
        """What the registry holds: counts, commitments on one basis and datasets (as
        ``beltroad summary``)."""
        from beltroad.services.summary import portfolio_summary

        return portfolio_summary(self.workspace, base_year=base_year).as_dict()


def open(
    url: str | None = None,
    *,
    data_dir: str | Path | None = None,
    config_file: str | Path | None = None,
) -> Portfolio:
    """Open the registry at ``url`` (default: the configured one, as the CLI would).

    The schema must exist (``beltroad init``); an error says so otherwise.

    >>> with beltroad.open("sqlite:///beltroad.db") as p:  # doctest: +SKIP
    ...     p.breakdown("flow-class")
    """
    flags: dict[str, Any] = {}
    if url is not None:
        flags["db"] = url
    if data_dir is not None:
        flags["data_dir"] = Path(data_dir)
    settings = load_settings(Path(config_file) if config_file else None, **flags)
    return Portfolio(open_workspace(settings))
