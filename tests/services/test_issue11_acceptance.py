"""Issue #11, done when: the four AidData files import with default options into a fresh data
dir, and the de-duplicated breakdown by dataset, flow class and year states one base year and
counts every project once (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter

import pytest

from beltroad.services.breakdown import breakdown
from beltroad.services.imports import import_file
from beltroad.services.workspace import Workspace
from beltroad.storage import reads
from tests.conftest import shared_file

FILES = [
    ("gcof1", "aiddata-gcof1/AidData_GlobalChineseOfficialFinanceDataset_v1.0.xlsx"),
    ("gcdf3-geo", "aiddata-gcdf3/geogcdf3_final_input.csv"),
    ("gcdf3", "aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv"),
    ("gcdf2", "aiddata-military2/MilitaryAidDatasGlobalChineseDevelopmentFinanceDataset_v2.0.csv"),
]


@pytest.mark.slow
def test_four_aiddata_files_one_base_year_each_project_once(workspace: Workspace) -> None:
    for kind, relative in FILES:
        report = import_file(workspace, kind, shared_file(relative))  # defaults: nothing skipped
        assert report.rejected == []
    deflator = import_file(workspace, "deflator-fred", shared_file("fred-gdpdef/GDPDEF.csv"))
    assert deflator.records_written > 0

    result = breakdown(workspace, ["dataset", "flow-class", "year"], rule="all")
    payload = result.as_dict()

    # One base year, stated: the newest in the data (GCDF 3.0's constant 2021 USD); nothing
    # totalled apart on another basis, and where the factors came from is named.
    assert payload["base_year"] == 2021
    assert payload["totals_by_basis"] == []
    money = payload["money"]
    assert money["basis"]["label"] == "constant 2021 USD"
    assert money["bases_reported_separately"] == []
    assert money["deflator"]["series"] == "GDPDEF"
    assert any("approximation" in note for note in money["notes"])

    # Every project once: the groups add up to the projects that count, and those are the
    # records that are not set aside as another dataset's project.
    with workspace.reading() as connection:
        records = list(reads.iter_project_records(connection))
    per_dataset = Counter(r.provenance.dataset for r in records)
    assert sum(per_dataset.values()) == 5_466 + 9_404 + 961 + 446
    set_aside = payload["set_aside"]["records"]
    assert set_aside > 961  # at least every GeoGCDF record the >= $10M subset repeats
    assert sum(row["projects"] for row in payload["rows"]) == payload["total"]["projects"]
    assert payload["total"]["projects"] == len(records) - set_aside
    assert payload["total"]["amount"] == pytest.approx(
        sum(row["amount"] or 0.0 for row in payload["rows"])
    )
    # No dataset's counted records repeat another's: per dataset, counted <= imported.
    counted = Counter()
    for row in payload["rows"]:
        counted[row["dataset"]] += row["projects"]
    assert all(counted[name] <= per_dataset[name] for name in counted)
    assert counted["aiddata-geogcdf3"] <= per_dataset["aiddata-geogcdf3"] - 961
