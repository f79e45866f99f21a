"""Record linkage: shared ids link, similar records are only candidates, precedence picks."""

from __future__ import annotations

from beltroad.engines.overlaps import (
    DEFAULT_PRECEDENCE,
    LinkRecord,
    describe_precedence,
    link,
    pair_key,
    resolve,
    score_pair,
)


def rec(
    pid: int,
    dataset: str,
    record_id: str | None,
    countries: tuple[str, ...] = ("KEN",),
    year: int | None = 2010,
    amount: float | None = 1e7,
    title: str = "Nairobi ring road construction",
    synthetic: bool = False,
) -> LinkRecord:
    return LinkRecord(
        pid, dataset, f"{dataset}-{record_id or pid}", record_id, countries, year, amount, title,
        synthetic,
    )  # fmt: skip


def test_same_aiddata_id_across_versions_links_and_newest_counts() -> None:
    records = [
        rec(1, "aiddata-gcof1", "7"),
        rec(2, "aiddata-gcdf2", "7"),
        rec(3, "aiddata-geogcdf3", "7"),
        rec(4, "aiddata-gcdf3", "7"),
        rec(5, "aiddata-gcof1", "8"),  # in one dataset only: counts
    ]
    linkage = link(records)
    assert {lk.status for lk in linkage.links} == {"linked"}
    aside = resolve(linkage.links, DEFAULT_PRECEDENCE)
    assert [(s.project_id, s.kept_id) for s in aside] == [(1, 4), (2, 4), (3, 4)]
    assert "aiddata-gcdf3 counts" in aside[0].reason


def test_configured_precedence_changes_which_record_counts() -> None:
    linkage = link([rec(1, "aiddata-gcof1", "7"), rec(2, "aiddata-gcdf3", "7")])
    aside = resolve(linkage.links, ("aiddata-gcof1", "aiddata-gcdf3"))
    assert [(s.project_id, s.kept_id) for s in aside] == [(2, 1)]
    assert describe_precedence(("aiddata-gcof1",)).startswith("configured: aiddata-gcof1")
    assert describe_precedence(DEFAULT_PRECEDENCE).startswith("newest version first")


def test_same_id_with_disjoint_recipients_is_a_candidate_not_a_merge() -> None:
    linkage = link([rec(1, "aiddata-gcof1", "9", ("SDN",)), rec(2, "aiddata-gcdf3", "9", ("SSD",))])
    assert [lk.status for lk in linkage.links] == ["candidate"]
    assert "recipients differ" in linkage.links[0].reason
    assert resolve(linkage.links, DEFAULT_PRECEDENCE) == []


def test_regional_record_without_country_still_links_by_id() -> None:
    linkage = link([rec(1, "aiddata-gcof1", "9", ()), rec(2, "aiddata-gcdf3", "9", ("SSD",))])
    assert [lk.status for lk in linkage.links] == ["linked"]


def test_similar_records_without_shared_id_are_listed_never_merged() -> None:
    iati = rec(1, "iati-xe", "XE-1", title="Construction of the Nairobi ring road", amount=1.05e7)
    aid = rec(2, "aiddata-gcdf3", "55", year=2011)
    other = rec(3, "aiddata-gcdf3", "56", title="Scholarships for Kenyan students", amount=2e5)
    elsewhere = rec(4, "aiddata-gcdf3", "57", countries=("TZA",))
    linkage = link([iati, aid, other, elsewhere])
    [candidate] = linkage.links
    assert (candidate.method, candidate.status) == ("similarity", "candidate")
    assert {candidate.a.project_id, candidate.b.project_id} == {1, 2}
    assert candidate.components["year"] == 0.5
    assert candidate.score is not None
    assert candidate.score >= 0.8
    assert resolve(linkage.links, DEFAULT_PRECEDENCE) == []  # only a review merges


def test_records_of_one_dataset_or_family_are_not_scored() -> None:
    linkage = link([rec(1, "iati-xe", "A"), rec(2, "iati-xe", "B")])
    assert linkage.links == []
    assert linkage.compared_pairs == 0
    linkage = link([rec(1, "aiddata-gcof1", "A"), rec(2, "aiddata-gcdf3", "B")])
    assert linkage.links == []  # AidData ids say these are two projects


def test_synthetic_records_are_never_matched() -> None:
    linkage = link([rec(1, "iati-xe", "A"), rec(2, "synthetic", "B", synthetic=True)])
    assert linkage.links == []


def test_reviews_accept_and_reject() -> None:
    iati = rec(1, "iati-xe", "XE-1")
    aid = rec(2, "aiddata-gcdf3", "55")
    accepted = link([iati, aid], reviews={pair_key(iati.identifier, aid.identifier): "accept"})
    assert [lk.status for lk in accepted.links] == ["linked"]
    # aiddata-gcdf3 is listed in the precedence, the IATI dataset is not: AidData counts.
    assert [(s.project_id, s.kept_id) for s in resolve(accepted.links, DEFAULT_PRECEDENCE)] == [
        (1, 2)
    ]
    a, b = rec(1, "aiddata-gcof1", "7"), rec(2, "aiddata-gcdf3", "7")
    rejected = link([a, b], reviews={pair_key(a.identifier, b.identifier): "reject"})
    assert [lk.status for lk in rejected.links] == ["rejected"]
    assert resolve(rejected.links, DEFAULT_PRECEDENCE) == []


def test_an_accepted_pair_below_the_threshold_stays_linked() -> None:
    a = rec(1, "iati-xe", "A", title="Water supply")
    b = rec(2, "aiddata-gcdf3", "B", title="Stadium", amount=5e9)
    linkage = link([a, b], reviews={pair_key(a.identifier, b.identifier): "accept"})
    assert [(lk.method, lk.status) for lk in linkage.links] == [("review", "linked")]


def test_linked_groups_are_transitive() -> None:
    a = rec(1, "iati-xe", "A")
    b = rec(2, "aiddata-gcdf3", "7")
    c = rec(3, "aiddata-gcof1", "7")
    linkage = link([a, b, c], reviews={pair_key(a.identifier, b.identifier): "accept"})
    kept = {s.kept_id for s in resolve(linkage.links, DEFAULT_PRECEDENCE)}
    assert kept == {2}


def test_score_components() -> None:
    a = rec(1, "x", "1", amount=100.0, year=2010)
    b = rec(2, "y", "2", amount=200.0, year=2013, title="Something else entirely")
    parts = score_pair(a, b)
    assert parts["amount"] == 0.0
    assert parts["year"] == 0.0
    assert parts["total"] == round(0.5 * parts["title"], 4)
    assert score_pair(a, a)["total"] == 1.0
