"""``beltroad demo``: init, load what real data can be reached, else a synthetic portfolio,
summarise and write the summary under the data dir."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beltroad import datasets
from beltroad.errors import BeltroadError, DataUnavailable
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.services.cooperation_demo import cooperation_notes
from beltroad.services.data import available_file, dataset_files
from beltroad.services.demo_users import ensure_demo_users, login_notes
from beltroad.services.headline import Headline, headline
from beltroad.services.imports import import_file, importer_for
from beltroad.services.setup import initialise_workspace
from beltroad.services.summary import Summary, portfolio_summary
from beltroad.services.synthetic import (
    build_synthetic_portfolio,
    calibration_for,
    remove_synthetic_portfolio,
)
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage import inventory, quality

# What the demo loads, in order: every country's region and income group (Natural Earth, then
# GFDC's newer 2023 classification over it, as later imports overwrite and blanks never erase),
# partners, then projects, then the indicators and ports that risk and routing use.
DEMO_DATASETS: tuple[str, ...] = (
    "naturalearth-110m",
    "gfdc-bri-countries",
    "aiddata-geogcdf3",
    "wgi",
    "gpr",
    "ndgain",
    "imf-weo-debt",
    "wpi",
)
PROJECT_DATASETS = frozenset({"aiddata-geogcdf3"})


@dataclass
class DemoReport:
    summary: Summary
    summary_path: Path
    headline: Headline | None = None
    loaded: list[dict[str, Any]] = field(default_factory=list)
    synthetic: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    #: How to log in as the demo users (issue #15); passwords, so kept out of as_dict and files.
    logins: list[str] = field(default_factory=list)

    def citations(self) -> list[str]:
        """The sources of the data loaded, each once, in the order first loaded."""
        return list(dict.fromkeys(str(item["citation"]) for item in self.loaded))

    def loaded_rows(self) -> list[dict[str, Any]]:
        """One row per dataset loaded, its source as a note number ``[n]`` into
        :meth:`citations` (a citation in a cell wraps into a column of fragments)."""
        cited = self.citations()
        return [
            {
                **{k: v for k, v in item.items() if k != "citation"},
                "source": f"[{cited.index(str(item['citation'])) + 1}]",
            }
            for item in self.loaded
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary.as_dict(),
            "headline": self.headline.as_dict() if self.headline else None,
            "loaded": self.loaded,
            "synthetic": self.synthetic,
            "notes": self.notes,
            "summary_path": str(self.summary_path),
        }


def run_demo(
    settings: Settings,
    *,
    force_synthetic: bool = False,
    allow_download: bool = True,
    progress: Progress = NULL_PROGRESS,
) -> DemoReport:
    workspace = open_workspace(settings, require_schema=False)
    try:
        initialise_workspace(workspace, progress=progress)
        loaded, notes = _load_real_data(workspace, allow_download, progress)
        has_projects = any(item["dataset"] in PROJECT_DATASETS for item in loaded)
        synthetic_report = None
        if has_projects and not force_synthetic:
            removed = remove_synthetic_portfolio(workspace)
            if removed:
                notes.append(
                    f"removed the synthetic portfolio of an earlier demo ({removed:,} projects): "
                    "real project data is loaded now, and the two are never summed together"
                )
        if force_synthetic or not has_projects:
            geo = available_file(settings, "aiddata-geogcdf3")
            calibration = calibration_for(geo)
            report = build_synthetic_portfolio(
                workspace,
                projects=settings.synthetic_projects or calibration.projects,
                seed=settings.seed,
                calibration=calibration,
                progress=progress,
            )
            synthetic_report = report.as_dict()
            why = "as asked (synthetic)" if force_synthetic else "no real project data reached"
            notes.append(
                f"synthetic portfolio of {report.projects:,} projects (seed {report.seed}), {why}; "
                f"calibration: {report.calibration}"
                + ("; already present, unchanged" if report.skipped else "")
            )
        notes.append(_red_sea_note(workspace))
        notes.extend(_top_risk_notes(workspace))
        notes.append(_stress_note(workspace))
        notes.extend(cooperation_notes(workspace))  # issue #17
        # After the risk refresh, which creates the auto risk entries the summary counts.
        summary = portfolio_summary(workspace)
        figures = headline(workspace)
        path = _write_summary(settings, summary, figures, loaded, notes)
        logins = login_notes(ensure_demo_users(workspace), settings.host, settings.port)
        return DemoReport(summary, path, figures, loaded, synthetic_report, notes, logins)
    finally:
        workspace.close()


def _red_sea_note(workspace: Workspace) -> str:
    """One line: what closing the Red Sea (Bab el-Mandeb and Suez) does to the portfolio."""
    from beltroad.services.exposure import red_sea_summary

    try:
        return red_sea_summary(workspace)
    except BeltroadError as exc:
        return f"Red Sea closure: not computed ({exc.message})"


def _stress_note(workspace: Workspace, scenarios: int = 20_000) -> str:
    """Issue #5: one line of the shipped regional-conflict stress test on the portfolio."""
    from beltroad.scenarios import example_files
    from beltroad.services.stress import run_stress_test

    path = next(Path(str(f)) for f in example_files() if f.name == "regional_conflict.toml")
    try:
        # Not stored: running the demo again must change nothing in the database.
        run = run_stress_test(workspace, path, scenarios=scenarios, store_run=False)
    except BeltroadError as exc:
        return f"stress test: not computed ({exc.message})"
    r = run.result
    if r.groups == 0:
        return "stress test: no exposure with an amount, nothing to simulate"
    return (
        f"stress test '{r.scenario}' ({r.scenarios:,} scenarios, seed {r.seed}, {r.groups:,} "
        f"groups): EL USD {r.expected_loss:,.0f}, VaR 99.9% USD {r.var['99.9']:,.0f}, "
        f"ES 99.9% USD {r.es['99.9']:,.0f} on an exposure of USD {r.exposure:,.0f}; "
        f"{r.delayed_projects:,} projects likely delayed "
        f"(`beltroad risk stress {path}` for the breakdowns)"
    )


def _top_risk_notes(workspace: Workspace, n: int = 5) -> list[str]:
    """Issue #5: refresh the auto risk entries from the country scores, then the top ``n`` risks
    of the register, each with why; one line saying why not when no indicators were loaded."""
    from beltroad.services.risk_refresh import refresh
    from beltroad.services.risk_register import top_risks

    try:
        report = refresh(workspace, actor="demo")
        top = top_risks(workspace, n=n)
    except BeltroadError as exc:
        return [f"top risks: not computed ({exc.message})"]
    lines = [
        f"risk register: {report.created} auto entries created, {report.rescored} re-scored "
        f"(country scores as of {report.year}); top {len(top)} risks:"
    ]
    lines += [
        f"  {i}. {e['subject']} {e['category']}: {e['likelihood']}x{e['impact']} = "
        f"{e['residual']} ({e['why']})"
        for i, e in enumerate(top, 1)
    ]
    return lines


def _load_real_data(
    workspace: Workspace, allow_download: bool, progress: Progress
) -> tuple[list[dict[str, Any]], list[str]]:
    settings = workspace.settings
    loaded: list[dict[str, Any]] = []
    notes: list[str] = []
    unreachable: list[str] = []
    for name in DEMO_DATASETS:
        entry = datasets.entry(name)
        try:
            paths = dataset_files(settings, name, allow_download=allow_download, progress=progress)
        except DataUnavailable:
            unreachable.append(name)
            continue
        except BeltroadError as exc:
            notes.append(f"{name}: refused ({exc.message})")
            continue
        kind = entry.import_kind
        assert kind is not None
        # Multi-file entries: GeoGCDF's location files are read beside the project list;
        # ND-GAIN's three files are three indicators.
        targets = paths if name == "ndgain" else paths[:1]
        # The same file(s) in the registry already (the last of them, recorded last): a second
        # demo changes nothing (re-importing Natural Earth after GFDC would rewrite the income
        # groups twice, and every import re-stamps its dataset).
        done = _imported_before(workspace, kind, targets[-1], entry.files[len(targets) - 1].sha256)
        if done is not None:
            loaded.append(
                {
                    "dataset": name,
                    "file": entry.files[0].path if len(targets) == 1 else "(all files)",
                    "records": done.records,
                    "written": 0,
                    "flagged": _flagged(workspace, done.name),
                    "rejected": None,
                    "citation": entry.citation,
                }
            )
            continue
        for path in targets:
            try:
                # Published records import as published (inconsistent ones kept, flagged, as by
                # default); rows that cannot be read at all (Natural Earth's Antarctica has no
                # World Bank region, 16 WPI LOCODEs name another country) are skipped, counted.
                report = import_file(workspace, kind, path, on_error="skip", progress=progress)
            except BeltroadError as exc:
                notes.append(f"{name}: import failed ({exc.message})")
                continue
            loaded.append(
                {
                    "dataset": name,
                    "file": entry.files[0].path if len(targets) == 1 else str(path.name),
                    "records": report.records_valid,
                    "written": report.records_written,
                    "flagged": report.flagged_records,
                    "rejected": len(report.rejected),
                    "citation": entry.citation,
                }
            )
            if report.rejected:
                notes.append(
                    f"{name}: {len(report.rejected)} unreadable row(s) skipped "
                    f"(a dry run of `beltroad import {kind} {path}` lists them)"
                )
            if report.flagged:
                kinds = ", ".join(f"{n:,} {kind_}" for kind_, n in report.flagged.items())
                notes.append(
                    f"{name}: {report.flagged_records:,} record(s) kept as published and flagged "
                    f"({kinds}; `beltroad data quality` lists them under {report.dataset})"
                )
    if unreachable:
        how = "download failed" if allow_download else "downloads are off"
        notes.append(
            f"not in the cache, no mirror copy, {how}: {', '.join(unreachable)}; set "
            f"BELTROAD_DATA_MIRROR or run `beltroad data pull {' '.join(unreachable)}`"
        )
    return loaded, notes


def _imported_before(
    workspace: Workspace, kind: str, path: Path, sha256: str
) -> inventory.DatasetInfo | None:
    """The registry's record of ``path`` when this very file (same name and hash) was imported."""
    dataset = importer_for(kind).source(path).dataset
    with workspace.reading() as connection:
        info = inventory.dataset(connection, dataset)
    if info is None or info.file_sha256 != sha256:
        return None
    return info if (info.parameters or {}).get("file") == path.name else None


def _flagged(workspace: Workspace, dataset: str) -> int:
    with workspace.reading() as connection:
        flags = quality.list_flags(connection, dataset=dataset)
    return len({(f["record_type"], f["record_id"]) for f in flags})


def _write_summary(
    settings: Settings,
    summary: Summary,
    figures: Headline,
    loaded: list[dict[str, Any]],
    notes: list[str],
) -> Path:
    folder = settings.data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "summary": summary.as_dict(),
        "headline": figures.as_dict(),
        "loaded": loaded,
        "notes": notes,
    }
    (folder / "summary.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    lines = ["# beltroad demo summary", ""]
    if summary.label:
        lines += [f"**{summary.label}**", ""]
    lines += ["| entity | records |", "|---|---:|"]
    lines += [f"| {k.replace('_', ' ')} | {v:,} |" for k, v in summary.counts.items()]
    lines += [
        "",
        f"Commitments: {summary.commitments_text()}"
        + f" over {summary.projects_counted:,} projects. Rule: {summary.rule}.",
        "",
        f"## Headline figures as of {figures.as_of.isoformat()}, reconciled",
        "",
        "| figure | registry | reported | verdict |",
        "|---|---:|---|---|",
        *(
            f"| {row['figure'].replace('_', ' ')} | {row['registry']:,} | {row['reported']} "
            f"| {row['verdict']} |"
            for row in figures.rows()
        ),
        "",
        "## Data used",
        "",
    ]
    lines += [
        f"- {item['dataset']}: {item['records']:,} records ({item['citation']})" for item in loaded
    ] or ["- none (synthetic only)"]
    lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    path = folder / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "summary.json"
