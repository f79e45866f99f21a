"""The green traffic light: BRIGC red / yellow / green with evidence per criterion (standards §2).

Pure: a parsed ``green.toml`` (:func:`parse_config`) and frozen :class:`GreenProject` records in,
:class:`GreenAssessment` records out. The class follows standards §2.1's platform implementation
of the BRIGC principle; the 2021 coal pledge (§2.3) and the IFC A/B/C categories (§2.5.1) are
applied as separate criteria, each with its evidence, and kept apart from the BRIGC class.

>>> config = parse_config(default_data, source="green.toml")  # doctest: +SKIP
>>> classify(project, config).green_class  # doctest: +SKIP
'red'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from beltroad.engines.params import Section

DIMENSIONS = ("pollution", "climate", "biodiversity")
IMPACTS = ("positive", "neutral", "moderate", "significant")  # best to worst
CLASSES = ("green", "yellow", "red")
UNRATED = "unrated"
POLICY_EXCLUDED = "POLICY_EXCLUDED"
LEGACY_COAL = "LEGACY_COAL"
COAL_DATE_UNDECIDED = "COAL_DATE_UNDECIDED"
_SEVERITY = {name: i for i, name in enumerate(IMPACTS)}
_CLASS_SEVERITY = {"green": 0, "yellow": 1, "red": 2}


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    dac5: frozenset[str]
    dac_prefixes: tuple[str, ...]
    keywords: tuple[str, ...]
    impacts: Mapping[str, str]
    mitigated: Mapping[str, str]
    source: str
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class GreenConfig:
    version: str
    label: str
    source: str
    text_fields: tuple[str, ...]
    unmatched: str
    pledge_cutoff: dt.date
    pledge_tag: str
    coal_rules: frozenset[str]
    ifc_classes: Mapping[str, str]
    ifc_binding: bool
    ifc_tag: str
    rules: tuple[Rule, ...]
    priors: Mapping[str, str]
    priors_tag: str


def _rule(sec: Section) -> Rule:
    sec.unknown(
        {"key", "label", "dac5", "dac_prefixes", "keywords", *DIMENSIONS, "mitigated", "source"}
    )
    key = sec.get("key", str)
    impacts = {d: sec.choice(d, IMPACTS) for d in DIMENSIONS}
    mitigated = sec.get("mitigated", dict, {})
    for d, value in mitigated.items():
        if d not in DIMENSIONS or value not in IMPACTS:
            raise sec.fail(f"mitigated.{d}", value, f"expected {'/'.join(IMPACTS)} per dimension")
    source = sec.get("source", str)
    if not source.startswith(("[V]", "[S]", "[M]", "[N]")):
        raise sec.fail("source", source, "expected a verification tag and source, e.g. '[S] ...'")
    keywords = tuple(str(k).lower() for k in sec.get("keywords", list, []))
    pattern = (
        re.compile(r"\b(" + "|".join(re.escape(k) for k in keywords) + r")\b", re.IGNORECASE)
        if keywords
        else None
    )
    return Rule(
        key=key,
        label=sec.get("label", str),
        dac5=frozenset(str(c) for c in sec.get("dac5", list, [])),
        dac_prefixes=tuple(str(c) for c in sec.get("dac_prefixes", list, [])),
        keywords=keywords,
        impacts=impacts,
        mitigated=dict(mitigated),
        source=source,
        pattern=pattern,
    )


def parse_config(data: Mapping[str, Any], *, source: str) -> GreenConfig:
    """A checked :class:`GreenConfig`, or :class:`~beltroad.errors.InvalidInput` naming the key."""
    top = Section(data, "", source)
    top.unknown(
        {"version", "label", "text_fields", "unmatched", "pledge", "ifc", "rules", "priors"}
    )
    pledge = top.section("pledge")
    cutoff = pledge.get("cutoff", dt.date)
    ifc = top.section("ifc")
    ifc_classes = {cat: ifc.choice(cat, CLASSES) for cat in ("A", "B", "C")}
    ifc_tags = [ifc.tag(cat) for cat in ("A", "B", "C")]
    rules = tuple(_rule(s) for s in top.sections("rules"))
    keys = [r.key for r in rules]
    if len(set(keys)) != len(keys):
        raise top.fail("rules", keys, "rule keys must be unique")
    coal = frozenset(str(k) for k in pledge.get("coal_rules", list))
    if not coal <= set(keys):
        raise pledge.fail(
            "coal_rules", sorted(coal - set(keys)), "names a rule that does not exist"
        )
    priors = top.section("priors")
    groups = priors.section("groups")
    prior_map = {str(k): groups.choice(str(k), ("neutral", "positive")) for k in groups.data}
    fields = tuple(str(f) for f in top.get("text_fields", list, ["title"]))
    for f in fields:
        if f not in ("title", "description"):
            raise top.fail("text_fields", f, "expected title and/or description")
    return GreenConfig(
        version=top.get("version", str),
        label=top.get("label", str),
        source=source,
        text_fields=fields,
        unmatched=top.choice("unmatched", (UNRATED, "yellow"), UNRATED),
        pledge_cutoff=cutoff,
        pledge_tag=pledge.tag("cutoff"),
        coal_rules=coal,
        ifc_classes=ifc_classes,
        ifc_binding=ifc.get("binding", bool, True),
        ifc_tag=ifc_tags[0],
        rules=rules,
        priors=prior_map,
        priors_tag=priors.get("tag", str),
    )


@dataclass(frozen=True)
class GreenProject:
    """What the traffic light reads of one project."""

    project_id: int
    identifier: str
    title: str
    description: str | None = None
    #: (vocabulary, code): IATI SectorVocabulary 1 = DAC 5-digit, 2 = DAC 3-digit
    sectors: tuple[tuple[str, str], ...] = ()
    commitment_date: dt.date | None = None
    commitment_year: int | None = None
    ifc_category: str | None = None
    #: the name of the ecologically important area the project infringes on, if any
    eco_area: str | None = None
    #: internationally recognised mitigation measures are recorded for the project
    mitigation: str | None = None


@dataclass(frozen=True)
class Evidence:
    criterion: str
    finding: str
    basis: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {
            "criterion": self.criterion,
            "finding": self.finding,
            "basis": self.basis,
            "source": self.source,
        }


@dataclass(frozen=True)
class GreenAssessment:
    project_id: int
    identifier: str
    green_class: str  # green | yellow | red | unrated
    brigc_class: str  # before the IFC cross-check
    impacts: Mapping[str, str]
    ifc_category: str | None  # as recorded on the project
    ifc_implied: str | None  # A/B/C implied by the impacts (stored separately, §2.5.1)
    policy_flag: str | None
    rules: tuple[str, ...]
    evidence: tuple[Evidence, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id,
            "identifier": self.identifier,
            "green_class": self.green_class,
            "brigc_class": self.brigc_class,
            "impacts": dict(self.impacts),
            "ifc_category": self.ifc_category,
            "ifc_implied": self.ifc_implied,
            "policy_flag": self.policy_flag,
            "rules": list(self.rules),
            "evidence": [e.as_dict() for e in self.evidence],
        }


def _matches(rule: Rule, project: GreenProject, text: str) -> str | None:
    for vocabulary, code in project.sectors:
        if vocabulary == "1" and code in rule.dac5:
            return f"DAC 5-digit sector {code}"
        if any(code.startswith(p) for p in rule.dac_prefixes):
            return f"DAC sector {code} (prefix {', '.join(rule.dac_prefixes)})"
    if rule.pattern is not None:
        found = rule.pattern.search(text)
        if found:
            return f"keyword {found.group(0)!r} in the text"
    return None


def brigc_class(impacts: Mapping[str, str], *, eco_area: bool) -> str:
    """standards §2.1: location override, then significant -> red, positive+no harm -> green."""
    if eco_area:
        return "red"
    values = [impacts[d] for d in DIMENSIONS]
    if "significant" in values:
        return "red"
    if all(v in ("neutral", "positive") for v in values) and "positive" in values:
        return "green"
    return "yellow"


def implied_ifc(impacts: Mapping[str, str], *, eco_area: bool) -> str:
    values = [impacts[d] for d in DIMENSIONS]
    if eco_area or "significant" in values:
        return "A"
    if "moderate" in values:
        return "B"
    return "C"


def _pledge(project: GreenProject, config: GreenConfig) -> tuple[str | None, Evidence | None]:
    cutoff = config.pledge_cutoff
    date = project.commitment_date
    source = f"{config.pledge_tag}; NDRC et al. Opinions (Mar 2022)"
    if date is not None:
        if date > cutoff:
            return POLICY_EXCLUDED, Evidence(
                "coal_pledge",
                POLICY_EXCLUDED,
                f"coal power committed {date.isoformat()}, after the {cutoff.isoformat()} pledge",
                source,
            )
        return LEGACY_COAL, Evidence(
            "coal_pledge",
            LEGACY_COAL,
            f"coal power committed {date.isoformat()}, before the pledge: allowed, with a "
            "green-upgrade checklist",
            source,
        )
    year = project.commitment_year
    if year is not None and year != cutoff.year:
        flag = POLICY_EXCLUDED if year > cutoff.year else LEGACY_COAL
        return flag, Evidence(
            "coal_pledge", flag, f"coal power committed in {year} (year only)", source
        )
    return COAL_DATE_UNDECIDED, Evidence(
        "coal_pledge",
        COAL_DATE_UNDECIDED,
        "coal power with no commitment date"
        + (f" (only the year {year})" if year is not None else "")
        + f": whether it falls after {cutoff.isoformat()} cannot be decided; review it",
        source,
    )


def classify(project: GreenProject, config: GreenConfig) -> GreenAssessment:
    """One project's traffic light, with the evidence for each criterion."""
    parts = [project.title] + (
        [project.description or ""] if "description" in config.text_fields else []
    )
    text = " ".join(parts)
    evidence: list[Evidence] = []
    matched: list[Rule] = []
    for rule in config.rules:
        why = _matches(rule, project, text)
        if why is not None:
            matched.append(rule)
            evidence.append(Evidence("sector", rule.label, f"rule {rule.key}: {why}", rule.source))
    impacts: dict[str, str] | None = None
    if matched:
        owns: list[dict[str, str]] = []
        for rule in matched:
            own = dict(rule.impacts)
            if project.mitigation and rule.mitigated:
                own.update(rule.mitigated)
                evidence.append(
                    Evidence(
                        "mitigation",
                        ", ".join(f"{d} {v}" for d, v in rule.mitigated.items()),
                        f"rule {rule.key}: mitigation recorded ({project.mitigation})",
                        rule.source,
                    )
                )
            owns.append(own)
        # The worst impact wins on each dimension: "positive" only where every rule says so.
        impacts = {d: max((o[d] for o in owns), key=_SEVERITY.__getitem__) for d in DIMENSIONS}
    else:
        groups = [code[:3] for _, code in project.sectors]
        prior = next((config.priors[g] for g in groups if g in config.priors), None)
        if prior is not None:
            impacts = {d: prior for d in DIMENSIONS}
            evidence.append(
                Evidence(
                    "sector",
                    f"{prior} on every dimension",
                    f"sector prior for DAC group {next(g for g in groups if g in config.priors)}",
                    config.priors_tag,
                )
            )
    eco = project.eco_area is not None
    if eco:
        evidence.append(
            Evidence(
                "location",
                "red",
                f"infringes on an ecologically important area: {project.eco_area}",
                "[S] standards §2.1: BRIGC location override (downgraded directly to red)",
            )
        )
    if impacts is None and not eco:
        evidence.append(
            Evidence(
                "sector",
                UNRATED,
                "no sector rule or prior matched; the class is not guessed",
                config.version,
            )
        )
        return GreenAssessment(
            project.project_id,
            project.identifier,
            config.unmatched,
            config.unmatched,
            {},
            project.ifc_category,
            None,
            None,
            (),
            tuple(evidence),
        )
    dims = impacts or {d: "neutral" for d in DIMENSIONS}
    for d in DIMENSIONS:
        if impacts is not None:
            why = "; ".join(f"rule {r.key}" for r in matched) or "sector prior"
            evidence.append(Evidence(d, dims[d], why, config.label))
    base = brigc_class(dims, eco_area=eco)
    final = base
    category = (project.ifc_category or "").strip().upper() or None
    if category is not None and category in config.ifc_classes:
        mapped = config.ifc_classes[category]
        stricter = _CLASS_SEVERITY[mapped] > _CLASS_SEVERITY[final]
        if config.ifc_binding and stricter:
            final = mapped
        evidence.append(
            Evidence(
                "ifc",
                f"IFC category {category} -> {mapped}",
                "makes the class stricter"
                if stricter and config.ifc_binding
                else "consistent with, or no stricter than, the BRIGC class",
                config.ifc_tag,
            )
        )
    flag = None
    if any(r.key in config.coal_rules for r in matched):
        flag, pledge_evidence = _pledge(project, config)
        assert pledge_evidence is not None
        evidence.append(pledge_evidence)
    return GreenAssessment(
        project_id=project.project_id,
        identifier=project.identifier,
        green_class=final,
        brigc_class=base,
        impacts=dims,
        ifc_category=category,
        ifc_implied=implied_ifc(dims, eco_area=eco),
        policy_flag=flag,
        rules=tuple(r.key for r in matched),
        evidence=tuple(evidence),
    )


def classify_all(projects: Iterable[GreenProject], config: GreenConfig) -> list[GreenAssessment]:
    return [classify(p, config) for p in projects]


__all__ = [
    "CLASSES",
    "COAL_DATE_UNDECIDED",
    "DIMENSIONS",
    "IMPACTS",
    "LEGACY_COAL",
    "POLICY_EXCLUDED",
    "UNRATED",
    "Evidence",
    "GreenAssessment",
    "GreenConfig",
    "GreenProject",
    "Rule",
    "brigc_class",
    "classify",
    "classify_all",
    "implied_ifc",
    "parse_config",
]
