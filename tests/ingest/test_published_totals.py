"""Each AidData file, imported with the default options, reproduces what its publisher states.

Every expected figure below is taken from the publisher's documentation (or, where the publisher
states none, from the known facts of ../shared/data/SOURCES.md, which describes the files as
published); none is computed by beltroad or from the file by these tests. Where a figure comes
from is said next to it.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import case, func, select

from beltroad.services.imports import import_file
from beltroad.services.workspace import Workspace
from beltroad.storage import models
from tests.conftest import shared_file

PROJECT = models.Project


def _totals(workspace: Workspace, dataset: str) -> Any:
    """Records, their constant-USD total and base years, recommended ones, commitment years."""
    with workspace.reading() as connection:
        return connection.execute(
            select(
                func.count(),
                func.sum(PROJECT.amount_usd_constant),
                func.count(PROJECT.amount_usd_constant),
                func.count(func.distinct(PROJECT.amount_base_year)),
                func.min(PROJECT.amount_base_year),
                func.count(case((PROJECT.recommended_for_aggregates.is_(True), 1))),
                func.min(PROJECT.commitment_year),
                func.max(PROJECT.commitment_year),
            ).where(PROJECT.dataset == dataset)
        ).one()


def test_gcof1_reproduces_the_readme_totals(workspace: Workspace) -> None:
    path = shared_file("aiddata-gcof1/AidData_GlobalChineseOfficialFinanceDataset_v1.0.xlsx")
    report = import_file(workspace, "gcof1", path)  # the defaults a researcher starts with
    assert report.rejected == []
    count, total, with_amount, base_years, base_year, recommended, first, last = _totals(
        workspace, report.dataset
    )
    # Readme_GlobalChineseOfficialFinanceDataset_v1.0.pdf, p. 2, "Data Coverage":
    # "Project Count: 5,466", "Total Commitment Amount (2014 USD): $877,655,767,899.49",
    # "Year Coverage: 2000-2014". The readme's total is over every record of the file.
    assert count == 5466
    assert total == pytest.approx(877_655_767_899.49, abs=0.01)
    assert (base_years, base_year) == (1, 2014)
    assert (first, last) == (2000, 2014)
    # AidData's aggregation rule (readme p. 2, recommended_for_research: TRUE for all but
    # umbrella, pledged, cancelled or suspended projects); SOURCES.md: 4,373 rows are TRUE.
    assert recommended == 4373
    assert with_amount > 0


def test_geogcdf3_reproduces_the_published_counts(workspace: Workspace) -> None:
    path = shared_file("aiddata-gcdf3/geogcdf3_final_input.csv")
    report = import_file(workspace, "gcdf3-geo", path)
    assert report.rejected == []
    count, _, with_amount, base_years, base_year, _, first, last = _totals(
        workspace, report.dataset
    )
    # AidData publishes no total for the GeoGCDF 3.0 project list. SOURCES.md describes it as
    # published: "9,404 projects", "commitments 2000-2021", "amount in constant 2021 USD
    # (5,623 filled)"; known facts: "9,285 of the 9,404 project ids have an ADM1 centroid".
    assert count == 9404
    assert with_amount == 5623
    assert (base_years, base_year) == (1, 2021)
    assert (first, last) == (2000, 2021)
    with workspace.reading() as connection:
        with_adm1 = connection.execute(
            select(func.count(func.distinct(models.Location.project_id)))
            .join(PROJECT, PROJECT.id == models.Location.project_id)
            .where(PROJECT.dataset == report.dataset, models.Location.admin_level == 1)
        ).scalar_one()
    assert with_adm1 == 9285


def test_gcdf3_ge10m_reproduces_the_published_counts(workspace: Workspace) -> None:
    path = shared_file("aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv")
    report = import_file(workspace, "gcdf3", path)
    assert report.rejected == []
    count, _, with_amount, base_years, base_year, _, _, _ = _totals(workspace, report.dataset)
    # No published total for this extract. SOURCES.md: "GCDF 3.0 projects of USD 10 m and
    # more", "961 x 21"; the amount column is "Adjusted Amount (Constant USD 2021)".
    assert count == 961
    assert (base_years, base_year) == (1, 2021)
    with workspace.reading() as connection:
        smallest = connection.execute(
            select(func.min(PROJECT.amount_usd_constant)).where(PROJECT.dataset == report.dataset)
        ).scalar_one()
    assert with_amount == count
    assert smallest >= 10_000_000


def test_gcdf2_military_reproduces_the_published_counts(workspace: Workspace) -> None:
    path = shared_file(
        "aiddata-military2/MilitaryAidDatasGlobalChineseDevelopmentFinanceDataset_v2.0.csv"
    )
    report = import_file(workspace, "gcdf2", path)
    assert report.rejected == []
    count, _, _, _, _, _, first, last = _totals(workspace, report.dataset)
    # No published total for the military companion file here. SOURCES.md: "446 x 70;
    # 2000-2017".
    assert count == 446
    assert first >= 2000
    assert last <= 2017
