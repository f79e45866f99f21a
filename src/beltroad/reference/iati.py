"""IATI 2.03 codelists as enums, plus the DAC sector tables.

Generated once from standards.md Appendix A (itself generated from IATI's codelist XML, withdrawn
codes omitted) and committed as ordinary code; edit by hand only to follow a new codelist snapshot,
and update :data:`SNAPSHOT` when you do. Country, Currency, Language and Region are not here: use
ISO data (:mod:`beltroad.reference.countries`).

Every member has the same three accessors, whatever the list's code type:

* ``.code``  -- the code exactly as written in IATI XML, a ``str`` (``"1"``, ``"A09"``, ``"421"``);
* ``.label`` -- the codelist name, verbatim (typos and double spaces included);
* ``.category`` -- the parent code from the list's category column, or ``None``.

Numerically coded lists are :class:`IntCodelist` (an ``IntEnum``), the others :class:`StrCodelist`
(a ``StrEnum``). Member names are the label in UPPER_SNAKE; the few labels longer than
66 characters are shortened to a leading run of their words (the Rio policy markers to a
trailing run: ``PolicyMarker.CLIMATE_CHANGE_MITIGATION``).

>>> ActivityStatus.IMPLEMENTATION.code, ActivityStatus.IMPLEMENTATION.label
('2', 'Implementation')
>>> from_code(FinanceType, "421")
<FinanceType.STANDARD_LOAN: 421>
>>> CODELISTS["DocumentCategory"]("A09").label
'Memorandum of understanding (If agreed by all parties)'
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, IntEnum, StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Self, TypeAlias, TypeVar, cast

from beltroad.errors import InvalidInput

STANDARD = "IATI 2.03"
"""The standard every classification in this module belongs to (label outputs with it)."""

SNAPSHOT = (
    "IATI-Codelists version-2.03 @ 75e827b (2024-03-11); NonEmbedded master @ 7aeece7 (2026-06-22)"
)
"""Codelist snapshot the tables below were generated from [V] (standards.md Appendix A)."""


class IntCodelist(IntEnum):
    """Base for IATI codelists whose codes are integers. Members compare equal to their int."""

    _value_: int
    label: str
    category: str | None

    if TYPE_CHECKING:
        # What type checkers should see: ``Codelist(value)`` looks a member up, as for any Enum.
        def __new__(cls, value: int) -> Self: ...
    else:
        # Members are declared as ``NAME = code, label[, category]``.
        def __new__(cls, value: int, label: str, category: str | None = None) -> Self:
            member = int.__new__(cls, value)
            member._value_ = value
            member.label = label
            member.category = category
            return member

    @property
    def code(self) -> str:
        """The code as written in IATI XML, e.g. ``"2"``."""
        return str(self._value_)


class StrCodelist(StrEnum):
    """Base for IATI codelists with alphanumeric codes. Members compare equal to their code."""

    _value_: str
    label: str
    category: str | None

    if TYPE_CHECKING:
        # What type checkers should see: ``Codelist(value)`` looks a member up, as for any Enum.
        def __new__(cls, value: str) -> Self: ...
    else:
        # Members are declared as ``NAME = code, label[, category]``.
        def __new__(cls, value: str, label: str, category: str | None = None) -> Self:
            member = str.__new__(cls, value)
            member._value_ = value
            member.label = label
            member.category = category
            return member

    @property
    def code(self) -> str:
        """The code as written in IATI XML, e.g. ``"A09"``."""
        return self._value_


Codelist: TypeAlias = IntCodelist | StrCodelist
CodelistT = TypeVar("CodelistT", bound=Codelist)


class ActivityStatus(IntCodelist):
    """IATI codelist ``ActivityStatus``: 6 codes [V]."""

    PIPELINE_IDENTIFICATION = 1, "Pipeline/identification"
    IMPLEMENTATION = 2, "Implementation"
    FINALISATION = 3, "Finalisation"
    CLOSED = 4, "Closed"
    CANCELLED = 5, "Cancelled"
    SUSPENDED = 6, "Suspended"


class ActivityDateType(IntCodelist):
    """IATI codelist ``ActivityDateType``: 4 codes [V]."""

    PLANNED_START = 1, "Planned start"
    ACTUAL_START = 2, "Actual start"
    PLANNED_END = 3, "Planned End"
    ACTUAL_END = 4, "Actual end"


class OrganisationRole(IntCodelist):
    """IATI codelist ``OrganisationRole``: 4 codes [V]."""

    FUNDING = 1, "Funding"
    ACCOUNTABLE = 2, "Accountable"
    EXTENDING = 3, "Extending"
    IMPLEMENTING = 4, "Implementing"


class TransactionType(IntCodelist):
    """IATI codelist ``TransactionType``: 13 codes [V]."""

    INCOMING_FUNDS = 1, "Incoming Funds"
    OUTGOING_COMMITMENT = 2, "Outgoing Commitment"
    DISBURSEMENT = 3, "Disbursement"
    EXPENDITURE = 4, "Expenditure"
    INTEREST_PAYMENT = 5, "Interest Payment"
    LOAN_REPAYMENT = 6, "Loan Repayment"
    REIMBURSEMENT = 7, "Reimbursement"
    PURCHASE_OF_EQUITY = 8, "Purchase of Equity"
    SALE_OF_EQUITY = 9, "Sale of Equity"
    CREDIT_GUARANTEE = 10, "Credit Guarantee"
    INCOMING_COMMITMENT = 11, "Incoming Commitment"
    OUTGOING_PLEDGE = 12, "Outgoing Pledge"
    INCOMING_PLEDGE = 13, "Incoming Pledge"


class BudgetType(IntCodelist):
    """IATI codelist ``BudgetType``: 2 codes [V]."""

    ORIGINAL = 1, "Original"
    REVISED = 2, "Revised"


class BudgetStatus(IntCodelist):
    """IATI codelist ``BudgetStatus``: 2 codes [V]."""

    INDICATIVE = 1, "Indicative"
    COMMITTED = 2, "Committed"


class DocumentCategory(StrCodelist):
    """IATI codelist ``DocumentCategory``: 30 codes [V]."""

    PRE_AND_POST_PROJECT_IMPACT_APPRAISAL = "A01", "Pre- and post-project impact appraisal"
    OBJECTIVES_PURPOSE_OF_ACTIVITY = "A02", "Objectives / Purpose of activity"
    INTENDED_ULTIMATE_BENEFICIARIES = "A03", "Intended ultimate beneficiaries"
    CONDITIONS = "A04", "Conditions"
    BUDGET = "A05", "Budget"
    SUMMARY_INFORMATION_ABOUT_CONTRACT = "A06", "Summary information about contract"
    REVIEW_OF_PROJECT_PERFORMANCE_AND_EVALUATION = (
        "A07",
        "Review of project performance and evaluation",
    )
    RESULTS_OUTCOMES_AND_OUTPUTS = "A08", "Results, outcomes and outputs"
    MEMORANDUM_OF_UNDERSTANDING_IF_AGREED_BY_ALL_PARTIES = (
        "A09",
        "Memorandum of understanding (If agreed by all parties)",
    )
    TENDER = "A10", "Tender"
    CONTRACT = "A11", "Contract"
    ACTIVITY_WEB_PAGE = "A12", "Activity web page"
    ANNUAL_REPORT = "B01", "Annual report"
    INSTITUTIONAL_STRATEGY_PAPER = "B02", "Institutional Strategy paper"
    COUNTRY_STRATEGY_PAPER = "B03", "Country strategy paper"
    AID_ALLOCATION_POLICY = "B04", "Aid Allocation Policy"
    PROCUREMENT_POLICY_AND_PROCEDURE = "B05", "Procurement Policy and Procedure"
    INSTITUTIONAL_AUDIT_REPORT = "B06", "Institutional Audit Report"
    COUNTRY_AUDIT_REPORT = "B07", "Country Audit Report"
    EXCLUSIONS_POLICY = "B08", "Exclusions Policy"
    INSTITUTIONAL_EVALUATION_REPORT = "B09", "Institutional Evaluation Report"
    COUNTRY_EVALUATION_REPORT = "B10", "Country Evaluation Report"
    SECTOR_STRATEGY = "B11", "Sector strategy"
    THEMATIC_STRATEGY = "B12", "Thematic strategy"
    COUNTRY_LEVEL_MEMORANDUM_OF_UNDERSTANDING = "B13", "Country-level Memorandum of Understanding"
    EVALUATIONS_POLICY = "B14", "Evaluations policy"
    GENERAL_TERMS_AND_CONDITIONS = "B15", "General Terms and Conditions"
    ORGANISATION_WEB_PAGE = "B16", "Organisation web page"
    COUNTRY_REGION_WEB_PAGE = "B17", "Country/Region web page"
    SECTOR_WEB_PAGE = "B18", "Sector web page"


class RelatedActivityType(IntCodelist):
    """IATI codelist ``RelatedActivityType``: 5 codes [V]."""

    PARENT = 1, "Parent"
    CHILD = 2, "Child"
    SIBLING = 3, "Sibling"
    CO_FUNDED = 4, "Co-funded"
    THIRD_PARTY = 5, "Third Party"


class OrganisationType(IntCodelist):
    """IATI codelist ``OrganisationType``: 16 codes [V]."""

    GOVERNMENT = 10, "Government"
    LOCAL_GOVERNMENT = 11, "Local Government"
    OTHER_PUBLIC_SECTOR = 15, "Other Public Sector"
    INTERNATIONAL_NGO = 21, "International NGO"
    NATIONAL_NGO = 22, "National NGO"
    REGIONAL_NGO = 23, "Regional NGO"
    PARTNER_COUNTRY_BASED_NGO = 24, "Partner Country based NGO"
    PUBLIC_PRIVATE_PARTNERSHIP = 30, "Public Private Partnership"
    MULTILATERAL = 40, "Multilateral"
    FOUNDATION = 60, "Foundation"
    PRIVATE_SECTOR = 70, "Private Sector"
    PRIVATE_SECTOR_IN_PROVIDER_COUNTRY = 71, "Private Sector in Provider Country"
    PRIVATE_SECTOR_IN_AID_RECIPIENT_COUNTRY = 72, "Private Sector in Aid Recipient Country"
    PRIVATE_SECTOR_IN_THIRD_COUNTRY = 73, "Private Sector in Third Country"
    ACADEMIC_TRAINING_AND_RESEARCH = 80, "Academic, Training and Research"
    OTHER = 90, "Other"


class ActivityScope(IntCodelist):
    """IATI codelist ``ActivityScope``: 8 codes [V]."""

    GLOBAL = 1, "Global"
    REGIONAL = 2, "Regional"
    MULTI_NATIONAL = 3, "Multi-national"
    NATIONAL = 4, "National"
    SUB_NATIONAL_MULTI_FIRST_LEVEL_ADMINISTRATIVE_AREAS = (
        5,
        "Sub-national: Multi-first-level administrative areas",
    )
    SUB_NATIONAL_SINGLE_FIRST_LEVEL_ADMINISTRATIVE_AREA = (
        6,
        "Sub-national: Single first-level administrative area",
    )
    SUB_NATIONAL_SINGLE_SECOND_LEVEL_ADMINISTRATIVE_AREA = (
        7,
        "Sub-national: Single second-level administrative area",
    )
    SINGLE_LOCATION = 8, "Single location"


class DescriptionType(IntCodelist):
    """IATI codelist ``DescriptionType``: 4 codes [V]."""

    GENERAL = 1, "General"
    OBJECTIVES = 2, "Objectives"
    TARGET_GROUPS = 3, "Target Groups"
    OTHER = 4, "Other"


class SectorVocabulary(IntCodelist):
    """IATI codelist ``SectorVocabulary``: 14 codes [V]."""

    OECD_DAC_CRS_PURPOSE_CODES_5_DIGIT = 1, "OECD DAC CRS Purpose Codes (5 digit)"
    OECD_DAC_CRS_PURPOSE_CODES_3_DIGIT = 2, "OECD DAC CRS Purpose Codes (3 digit)"
    CLASSIFICATION_OF_THE_FUNCTIONS_OF_GOVERNMENT_UN = (
        3,
        "Classification of the Functions of Government (UN)",
    )
    STATISTICAL_CLASSIFICATION_OF_ECONOMIC_ACTIVITIES = (
        4,
        "Statistical classification of economic activities in the European Community",
    )
    NATIONAL_TAXONOMY_FOR_EXEMPT_ENTITIES_USA = 5, "National Taxonomy for Exempt Entities (USA)"
    AIDDATA = 6, "AidData"
    SDG_GOAL = 7, "SDG Goal"
    SDG_TARGET = 8, "SDG Target"
    SDG_INDICATOR = 9, "SDG Indicator"
    HUMANITARIAN_GLOBAL_CLUSTERS_INTER_AGENCY_STANDING_COMMITTEE = (
        10,
        "Humanitarian Global Clusters (Inter-Agency Standing Committee)",
    )
    NORTH_AMERICAN_INDUSTRY_CLASSIFICATION_SYSTEM_NAICS = (
        11,
        "North American Industry Classification System (NAICS)",
    )
    UN_SYSTEM_FUNCTION = 12, "UN System Function"
    REPORTING_ORGANISATION = 99, "Reporting Organisation"
    REPORTING_ORGANISATION_2 = 98, "Reporting Organisation 2"


class FlowType(IntCodelist):
    """IATI codelist ``FlowType``: 8 codes [V]."""

    ODA = 10, "ODA"
    NON_EXPORT_CREDIT_OOF = 21, "Non-export credit OOF"
    OFFICIALLY_SUPPORTED_EXPORT_CREDITS = 22, "Officially supported export credits"
    PRIVATE_DEVELOPMENT_FINANCE = 30, "Private Development Finance"
    PRIVATE_FOREIGN_DIRECT_INVESTMENT = 36, "Private Foreign Direct Investment"
    OTHER_PRIVATE_FLOWS_AT_MARKET_TERMS = 37, "Other Private flows at market terms"
    NON_FLOW = 40, "Non flow"
    OTHER_FLOWS = 50, "Other flows"


class AidTypeCategory(StrCodelist):
    """IATI codelist ``AidType-category``: 8 codes [V]."""

    BUDGET_SUPPORT = "A", "Budget support"
    CORE_CONTRIBUTIONS_AND_POOLED_PROGRAMMES_AND_FUNDS = (
        "B",
        "Core contributions and pooled programmes and funds",
    )
    PROJECT_TYPE_INTERVENTIONS = "C", "Project-type interventions"
    EXPERTS_AND_OTHER_TECHNICAL_ASSISTANCE = "D", "Experts and other technical assistance"
    SCHOLARSHIPS_AND_STUDENT_COSTS_IN_DONOR_COUNTRIES = (
        "E",
        "Scholarships and student costs in donor countries",
    )
    DEBT_RELIEF = "F", "Debt relief"
    ADMINISTRATIVE_COSTS_NOT_INCLUDED_ELSEWHERE = "G", "Administrative costs not included elsewhere"
    OTHER_IN_DONOR_EXPENDITURES = "H", "Other in-donor expenditures"


class TiedStatus(IntCodelist):
    """IATI codelist ``TiedStatus``: 3 codes [V]."""

    PARTIALLY_TIED = 3, "Partially tied"
    TIED = 4, "Tied"
    UNTIED = 5, "Untied"


class CollaborationType(IntCodelist):
    """IATI codelist ``CollaborationType``: 7 codes [V]."""

    BILATERAL = 1, "Bilateral"
    MULTILATERAL_INFLOWS = 2, "Multilateral (inflows)"
    BILATERAL_CORE_CONTRIBUTIONS_TO_NGOS_AND_OTHER_PRIVATE_BODIES_PPPS = (
        3,
        "Bilateral, core contributions to NGOs and other private bodies / PPPs",
    )
    MULTILATERAL_OUTFLOWS = 4, "Multilateral outflows"
    PRIVATE_SECTOR_OUTFLOWS = 6, "Private Sector Outflows"
    BILATERAL_EX_POST_REPORTING_ON_NGOS_ACTIVITIES = (
        7,
        ("Bilateral, ex-post reporting on NGOs’ activities funded through core contributions"),
    )
    BILATERAL_TRIANGULAR_CO_OPERATION = 8, "Bilateral, triangular co-operation"


class PolicyMarker(IntCodelist):
    """IATI codelist ``PolicyMarker``: 12 codes [V]."""

    GENDER_EQUALITY = 1, "Gender Equality"
    AID_TO_ENVIRONMENT = 2, "Aid to Environment"
    PARTICIPATORY_DEVELOPMENT_GOOD_GOVERNANCE = 3, "Participatory Development/Good Governance"
    TRADE_DEVELOPMENT = 4, "Trade Development"
    BIOLOGICAL_DIVERSITY = (
        5,
        "Aid Targeting the Objectives of the Convention on Biological Diversity",
    )
    CLIMATE_CHANGE_MITIGATION = (
        6,
        ("Aid Targeting the Objectives of the Framework Convention on Climate Change - Mitigation"),
    )
    CLIMATE_CHANGE_ADAPTATION = (
        7,
        ("Aid Targeting the Objectives of the Framework Convention on Climate Change - Adaptation"),
    )
    DESERTIFICATION = 8, "Aid Targeting the Objectives of the Convention to Combat Desertification"
    REPRODUCTIVE_MATERNAL_NEWBORN_AND_CHILD_HEALTH_RMNCH = (
        9,
        "Reproductive, Maternal, Newborn and Child Health (RMNCH)",
    )
    DISASTER_RISK_REDUCTION_DRR = 10, "Disaster Risk Reduction(DRR)"
    DISABILITY = 11, "Disability"
    NUTRITION = 12, "Nutrition"


class PolicySignificance(IntCodelist):
    """IATI codelist ``PolicySignificance``: 5 codes [V]."""

    NOT_TARGETED = 0, "not targeted"
    SIGNIFICANT_OBJECTIVE = 1, "significant objective"
    PRINCIPAL_OBJECTIVE = 2, "principal objective"
    PRINCIPAL_OBJECTIVE_AND_IN_SUPPORT_OF_AN_ACTION_PROGRAMME = (
        3,
        "principal objective AND in support of an action programme",
    )
    EXPLICIT_PRIMARY_OBJECTIVE = 4, "Explicit primary objective"


class GeographicLocationReach(IntCodelist):
    """IATI codelist ``GeographicLocationReach``: 2 codes [V]."""

    ACTIVITY = 1, "Activity"
    INTENDED_BENEFICIARIES = 2, "Intended Beneficiaries"


class GeographicExactness(IntCodelist):
    """IATI codelist ``GeographicExactness``: 2 codes [V]."""

    EXACT = 1, "Exact"
    APPROXIMATE = 2, "Approximate"


class GeographicLocationClass(IntCodelist):
    """IATI codelist ``GeographicLocationClass``: 4 codes [V]."""

    ADMINISTRATIVE_REGION = 1, "Administrative Region"
    POPULATED_PLACE = 2, "Populated Place"
    STRUCTURE = 3, "Structure"
    OTHER_TOPOGRAPHICAL_FEATURE = 4, "Other Topographical Feature"


class GeographicVocabulary(StrCodelist):
    """IATI codelist ``GeographicVocabulary``: 6 codes [V]."""

    GLOBAL_ADMININISTRATIVE_UNIT_LAYERS = "A1", "Global Admininistrative Unit Layers"
    UN_SECOND_ADMINISTRATIVE_LEVEL_BOUNDARY_PROJECT = (
        "A2",
        "UN Second Administrative Level Boundary Project",
    )
    GLOBAL_ADMINISTRATIVE_AREAS = "A3", "Global Administrative Areas"
    ISO_COUNTRY_3166_1_ALPHA_2 = "A4", "ISO Country (3166-1 alpha-2)"
    GEONAMES = "G1", "Geonames"
    OPENSTREETMAP = "G2", "OpenStreetMap"


class GeographicalPrecision(IntCodelist):
    """IATI codelist ``GeographicalPrecision``: 9 codes [V]."""

    EXACT_LOCATION = 1, "Exact location"
    NEAR_EXACT_LOCATION = 2, "Near exact location"
    SECOND_ORDER_ADMINISTRATIVE_DIVISION = 3, "Second order administrative division"
    FIRST_ORDER_ADMINISTRATIVE_DIVISION = 4, "First order administrative division"
    ESTIMATED_COORDINATES = 5, "Estimated coordinates"
    INDEPENDENT_POLITICAL_ENTITY = 6, "Independent political entity"
    UNCLEAR_CAPITAL = 7, "Unclear - capital"
    LOCAL_OR_NATIONAL_CAPITAL = 8, "Local or national capital"
    UNCLEAR_COUNTRY = 9, "Unclear - country"


class OtherIdentifierType(StrCodelist):
    """IATI codelist ``OtherIdentifierType``: 7 codes [V]."""

    REPORTING_ORGANISATIONS_INTERNAL_ACTIVITY_IDENTIFIER = (
        "A1",
        "Reporting Organisation's internal activity identifier",
    )
    CRS_ACTIVITY_IDENTIFIER = "A2", "CRS Activity identifier"
    PREVIOUS_ACTIVITY_IDENTIFIER = "A3", "Previous Activity Identifier"
    FTS_FLOW_ID = "A4", "FTS Flow ID"
    OTHER_ACTIVITY_IDENTIFIER = "A9", "Other Activity Identifier"
    PREVIOUS_REPORTING_ORGANISATION_IDENTIFIER = "B1", "Previous Reporting Organisation Identifier"
    OTHER_ORGANISATION_IDENTIFIER = "B9", "Other Organisation Identifier"


class ConditionType(IntCodelist):
    """IATI codelist ``ConditionType``: 3 codes [V]."""

    POLICY = 1, "Policy"
    PERFORMANCE = 2, "Performance"
    FIDUCIARY = 3, "Fiduciary"


class IndicatorVocabulary(IntCodelist):
    """IATI codelist ``IndicatorVocabulary``: 10 codes [V]."""

    WHO_REGISTRY = 1, "WHO Registry"
    SPHERE_HANDBOOK = 2, "Sphere Handbook"
    US_FOREIGN_ASSISTANCE_FRAMEWORK = 3, "US Foreign Assistance Framework"
    WORLD_BANK_WORLD_DEVELOPMENT_INDICATORS = 4, "World Bank World Development Indicators"
    UN_MILLENNIUM_DEVELOPMENT_GOALS_INDICATORS = 5, "UN Millennium Development Goals Indicators"
    UNOCHA_HUMANITARIAN_RESPONSE_INDICATORS = 6, "UNOCHA Humanitarian Response Indicators"
    HIV_AIDS_INDICATOR_REGISTRY = 7, "HIV/AIDS Indicator Registry"
    HARMONIZED_INDICATORS_FOR_PRIVATE_SECTOR_HIPSO = (
        8,
        "Harmonized Indicators for Private Sector (HIPSO)",
    )
    UN_SUSTAINABLE_DEVELOPMENT_GOALS_SDG_INDICATORS = (
        9,
        "UN Sustainable Development Goals (SDG) Indicators",
    )
    REPORTING_ORGANISATION = 99, "Reporting Organisation"


class IndicatorMeasure(IntCodelist):
    """IATI codelist ``IndicatorMeasure``: 5 codes [V]."""

    UNIT = 1, "Unit"
    PERCENTAGE = 2, "Percentage"
    NOMINAL = 3, "Nominal"
    ORDINAL = 4, "Ordinal"
    QUALITATIVE = 5, "Qualitative"


class ResultType(IntCodelist):
    """IATI codelist ``ResultType``: 4 codes [V]."""

    OUTPUT = 1, "Output"
    OUTCOME = 2, "Outcome"
    IMPACT = 3, "Impact"
    OTHER = 9, "Other"


class BudgetNotProvided(IntCodelist):
    """IATI codelist ``BudgetNotProvided``: 3 codes [V]."""

    COMMERCIAL_RESTRICTIONS = 1, "Commercial Restrictions"
    LEGAL_RESTRICTIONS = 2, "Legal Restrictions"
    RAPID_ONSET_EMERGENCY = 3, "Rapid Onset Emergency"


class LoanRepaymentType(IntCodelist):
    """IATI codelist ``LoanRepaymentType``: 4 codes [V]."""

    EQUAL_PRINCIPAL_PAYMENTS_EPP = 1, "Equal Principal Payments (EPP)"
    ANNUITY = 2, "Annuity"
    LUMP_SUM = 3, "Lump sum"
    OTHER = 5, "Other"


class DisbursementChannel(IntCodelist):
    """IATI codelist ``DisbursementChannel``: 4 codes [V]."""

    MONEY_IS_DISBURSED_THROUGH_CENTRAL_MINISTRY_OF_FINANCE_OR_TREASURY = (
        1,
        "Money is disbursed through central Ministry of Finance or Treasury",
    )
    MONEY_IS_DISBURSED_DIRECTLY_TO_THE_IMPLEMENTING_INSTITUTION = (
        2,
        (
            "Money is disbursed directly to the implementing institution and managed "
            "through a separate bank account"
        ),
    )
    AID_IN_KIND_DONORS_UTILISE_THIRD_PARTY_AGENCIES = (
        3,
        ("Aid in kind: Donors utilise third party agencies, e.g. NGOs or management companies"),
    )
    AID_IN_KIND_DONORS_MANAGE_FUNDS_THEMSELVES = 4, "Aid in kind: Donors manage funds themselves"


class AidTypeVocabulary(IntCodelist):
    """IATI codelist ``AidTypeVocabulary``: 4 codes [V]."""

    OECD_DAC = 1, "OECD DAC"
    EARMARKING_CATEGORY = 2, "Earmarking Category"
    EARMARKING_MODALITY = 3, "Earmarking Modality"
    CASH_AND_VOUCHER_MODALITIES = 4, "Cash and Voucher Modalities"


class AidType(StrCodelist):
    """IATI codelist ``AidType``: 24 codes [V].

    ``.category`` is the parent code from the codelist's category column.
    """

    GENERAL_BUDGET_SUPPORT = "A01", "General budget support", "A"
    SECTOR_BUDGET_SUPPORT = "A02", "Sector budget support", "A"
    CORE_SUPPORT_TO_NGOS_OTHER_PRIVATE_BODIES_PPPS = (
        "B01",
        "Core support to NGOs, other private bodies, PPPs and research institutes",
        "B",
    )
    CORE_CONTRIBUTIONS_TO_MULTILATERAL_INSTITUTIONS_AND_GLOBAL_FUNDS = (
        "B02",
        "Core contributions to multilateral institutions and global funds",
        "B",
    )
    CORE_CONTRIBUTIONS_TO_MULTILATERAL_INSTITUTIONS = (
        "B021",
        "Core contributions to multilateral institutions",
        "B02",
    )
    CORE_CONTRIBUTIONS_TO_GLOBAL_FUNDS = "B022", "Core contributions to global funds", "B02"
    CONTRIBUTIONS_TO_SPECIFIC_PURPOSE_PROGRAMMES_AND_FUNDS = (
        "B03",
        ("Contributions to specific-purpose programmes and funds managed by implementing partners"),
        "B",
    )
    CONTRIBUTIONS_TO_MULTI_DONOR_MULTI_ENTITY_FUNDING_MECHANISMS = (
        "B031",
        "Contributions to multi-donor/multi-entity funding mechanisms",
        "B03",
    )
    CONTRIBUTIONS_TO_MULTI_DONOR_SINGLE_ENTITY_FUNDING_MECHANISMS = (
        "B032",
        "Contributions to multi-donor/single-entity funding mechanisms",
        "B03",
    )
    CONTRIBUTIONS_TO_SINGLE_DONOR_FUNDING_MECHANISMS = (
        "B033",
        (
            "Contributions to single-donor funding mechanisms and contributions "
            "earmarked for a specific funding window or geographical location"
        ),
        "B03",
    )
    BASKET_FUNDS_POOLED_FUNDING = "B04", "Basket funds/pooled funding", "B"
    PROJECT_TYPE_INTERVENTIONS = "C01", "Project-type interventions", "C"
    DONOR_COUNTRY_PERSONNEL = "D01", "Donor country personnel", "D"
    OTHER_TECHNICAL_ASSISTANCE = "D02", "Other technical assistance", "D"
    SCHOLARSHIPS_TRAINING_IN_DONOR_COUNTRY = "E01", "Scholarships/training in donor country", "E"
    IMPUTED_STUDENT_COSTS = "E02", "Imputed student costs", "E"
    DEBT_RELIEF = "F01", "Debt relief", "F"
    ADMINISTRATIVE_COSTS_NOT_INCLUDED_ELSEWHERE = (
        "G01",
        "Administrative costs not included elsewhere",
        "G",
    )
    DEVELOPMENT_AWARENESS = "H01", "Development awareness", "H"
    REFUGEES_ASYLUM_SEEKERS_IN_DONOR_COUNTRIES = (
        "H02",
        "Refugees/asylum seekers in donor countries",
        "H",
    )
    ASYLUM_SEEKERS_ULTIMATELY_ACCEPTED = "H03", "Asylum-seekers ultimately accepted", "H"
    ASYLUM_SEEKERS_ULTIMATELY_REJECTED = "H04", "Asylum-seekers ultimately rejected", "H"
    RECOGNISED_REFUGEES = "H05", "Recognised refugees", "H"
    REFUGEES_AND_ASYLUM_SEEKERS_IN_OTHER_PROVIDER_COUNTRIES = (
        "H06",
        "Refugees and asylum seekers in other provider countries",
        "H",
    )


class FinanceType(IntCodelist):
    """IATI codelist ``FinanceType`` (active codes only): 47 codes [V].

    ``.category`` is the parent code from the codelist's category column.
    """

    GNI_GROSS_NATIONAL_INCOME = 1, "GNI: Gross National Income", "0"
    STANDARD_GRANT = 110, "Standard grant", "100"
    GUARANTEES_INSURANCE = 1100, "Guarantees/insurance", "1000"
    ODA_GNI = 2, "ODA % GNI", "0"
    INTEREST_SUBSIDY = 210, "Interest subsidy", "100"
    TOTAL_FLOWS_GNI = 3, "Total Flows % GNI", "0"
    CAPITAL_SUBSCRIPTION_ON_DEPOSIT_BASIS = 310, "Capital subscription on deposit basis", "100"
    CAPITAL_SUBSCRIPTION_ON_ENCASHMENT_BASIS = (
        311,
        "Capital subscription on encashment basis",
        "100",
    )
    POPULATION = 4, "Population", "0"
    STANDARD_LOAN = 421, "Standard loan", "420"
    REIMBURSABLE_GRANT = 422, "Reimbursable grant", "420"
    BONDS = 423, "Bonds", "420"
    ASSET_BACKED_SECURITIES = 424, "Asset-backed securities", "420"
    OTHER_DEBT_SECURITIES = 425, "Other debt securities", "420"
    SUBORDINATED_LOAN = 431, "Subordinated loan", "430"
    PREFERRED_EQUITY = 432, "Preferred equity", "430"
    OTHER_HYBRID_INSTRUMENTS = 433, "Other hybrid instruments", "430"
    COMMON_EQUITY = 510, "Common equity", "500"
    SHARES_IN_COLLECTIVE_INVESTMENT_VEHICLES = (
        520,
        "Shares in collective investment vehicles",
        "500",
    )
    REINVESTED_EARNINGS = 530, "Reinvested earnings", "500"
    DEBT_FORGIVENESS_ODA_CLAIMS_P = 610, "Debt forgiveness:  ODA claims (P)", "600"
    DEBT_FORGIVENESS_ODA_CLAIMS_I = 611, "Debt forgiveness: ODA claims (I)", "600"
    DEBT_FORGIVENESS_OOF_CLAIMS_P = 612, "Debt forgiveness: OOF claims (P)", "600"
    DEBT_FORGIVENESS_OOF_CLAIMS_I = 613, "Debt forgiveness: OOF claims (I)", "600"
    DEBT_FORGIVENESS_PRIVATE_CLAIMS_P = 614, "Debt forgiveness:  Private claims (P)", "600"
    DEBT_FORGIVENESS_PRIVATE_CLAIMS_I = 615, "Debt forgiveness:  Private claims (I)", "600"
    DEBT_FORGIVENESS_OOF_CLAIMS_DSR = 616, "Debt forgiveness: OOF claims (DSR)", "600"
    DEBT_FORGIVENESS_PRIVATE_CLAIMS_DSR = 617, "Debt forgiveness:  Private claims (DSR)", "600"
    DEBT_FORGIVENESS_OTHER = 618, "Debt forgiveness: Other", "600"
    DEBT_RESCHEDULING_ODA_CLAIMS_P = 620, "Debt rescheduling: ODA claims (P)", "600"
    DEBT_RESCHEDULING_ODA_CLAIMS_I = 621, "Debt rescheduling: ODA claims (I)", "600"
    DEBT_RESCHEDULING_OOF_CLAIMS_P = 622, "Debt rescheduling: OOF claims (P)", "600"
    DEBT_RESCHEDULING_OOF_CLAIMS_I = 623, "Debt rescheduling: OOF claims (I)", "600"
    DEBT_RESCHEDULING_PRIVATE_CLAIMS_P = 624, "Debt rescheduling:  Private claims (P)", "600"
    DEBT_RESCHEDULING_PRIVATE_CLAIMS_I = 625, "Debt rescheduling:  Private claims (I)", "600"
    DEBT_RESCHEDULING_OOF_CLAIMS_DSR = 626, "Debt rescheduling: OOF claims (DSR)", "600"
    DEBT_RESCHEDULING_PRIVATE_CLAIMS_DSR = 627, "Debt rescheduling:  Private claims (DSR)", "600"
    DEBT_RESCHEDULING_OOF_CLAIM_DSR_ORIGINAL_LOAN_PRINCIPAL = (
        630,
        "Debt rescheduling: OOF claim (DSR – original loan principal)",
        "600",
    )
    DEBT_RESCHEDULING_OOF_CLAIM_DSR_ORIGINAL_LOAN_INTEREST = (
        631,
        "Debt rescheduling: OOF claim (DSR – original loan interest)",
        "600",
    )
    DEBT_RESCHEDULING_PRIVATE_CLAIM_DSR_ORIGINAL_LOAN_PRINCIPAL = (
        632,
        "Debt rescheduling: Private claim (DSR – original loan principal)",
        "600",
    )
    DEBT_FORGIVENESS_CONVERSION_EXPORT_CREDIT_CLAIMS_P = (
        633,
        "Debt forgiveness/conversion: export credit claims (P)",
        "600",
    )
    DEBT_FORGIVENESS_CONVERSION_EXPORT_CREDIT_CLAIMS_I = (
        634,
        "Debt forgiveness/conversion:  export credit claims (I)",
        "600",
    )
    DEBT_FORGIVENESS_EXPORT_CREDIT_CLAIMS_DSR = (
        635,
        "Debt forgiveness:  export credit claims (DSR)",
        "600",
    )
    DEBT_RESCHEDULING_EXPORT_CREDIT_CLAIMS_P = (
        636,
        "Debt rescheduling:  export credit claims (P)",
        "600",
    )
    DEBT_RESCHEDULING_EXPORT_CREDIT_CLAIMS_I = (
        637,
        "Debt rescheduling:  export credit claims (I)",
        "600",
    )
    DEBT_RESCHEDULING_EXPORT_CREDIT_CLAIMS_DSR = (
        638,
        "Debt rescheduling:  export credit claims (DSR)",
        "600",
    )
    DEBT_RESCHEDULING_EXPORT_CREDIT_CLAIM_DSR_ORIGINAL_LOAN_PRINCIPAL = (
        639,
        "Debt rescheduling:  export credit claim (DSR – original loan principal)",
        "600",
    )


CODELISTS: Mapping[str, type[Codelist]] = MappingProxyType(
    {
        "ActivityStatus": ActivityStatus,
        "ActivityDateType": ActivityDateType,
        "OrganisationRole": OrganisationRole,
        "TransactionType": TransactionType,
        "BudgetType": BudgetType,
        "BudgetStatus": BudgetStatus,
        "DocumentCategory": DocumentCategory,
        "RelatedActivityType": RelatedActivityType,
        "OrganisationType": OrganisationType,
        "ActivityScope": ActivityScope,
        "DescriptionType": DescriptionType,
        "SectorVocabulary": SectorVocabulary,
        "FlowType": FlowType,
        "AidType-category": AidTypeCategory,
        "TiedStatus": TiedStatus,
        "CollaborationType": CollaborationType,
        "PolicyMarker": PolicyMarker,
        "PolicySignificance": PolicySignificance,
        "GeographicLocationReach": GeographicLocationReach,
        "GeographicExactness": GeographicExactness,
        "GeographicLocationClass": GeographicLocationClass,
        "GeographicVocabulary": GeographicVocabulary,
        "GeographicalPrecision": GeographicalPrecision,
        "OtherIdentifierType": OtherIdentifierType,
        "ConditionType": ConditionType,
        "IndicatorVocabulary": IndicatorVocabulary,
        "IndicatorMeasure": IndicatorMeasure,
        "ResultType": ResultType,
        "BudgetNotProvided": BudgetNotProvided,
        "LoanRepaymentType": LoanRepaymentType,
        "DisbursementChannel": DisbursementChannel,
        "AidTypeVocabulary": AidTypeVocabulary,
        "AidType": AidType,
        "FinanceType": FinanceType,
    }
)
"""Every enum above, keyed by its IATI codelist name."""

_NAME_BY_CLASS: Mapping[type[Enum], str] = MappingProxyType(
    {cls: name for name, cls in CODELISTS.items()}
)


DAC3_SECTORS: Mapping[str, str] = MappingProxyType(
    {
        "111": "Education, Level Unspecified",
        "112": "Basic Education",
        "113": "Secondary Education",
        "114": "Post-Secondary Education",
        "121": "Health, General",
        "122": "Basic Health",
        "123": "Non-communicable diseases (NCDs)",
        "130": "Population Policies/Programmes & Reproductive Health",
        "140": "Water Supply & Sanitation",
        "151": "Government & Civil Society-general",
        "152": "Conflict, Peace & Security",
        "160": "Other Social Infrastructure & Services",
        "210": "Transport & Storage",
        "220": "Communications",
        "231": "Energy Policy",
        "232": "Energy generation, renewable sources",
        "233": "Energy generation, non-renewable sources",
        "234": "Hybrid energy plants",
        "235": "Nuclear energy plants",
        "236": "Energy distribution",
        "240": "Banking & Financial Services",
        "250": "Business & Other Services",
        "311": "Agriculture",
        "312": "Forestry",
        "313": "Fishing",
        "321": "Industry",
        "322": "Mineral Resources & Mining",
        "323": "Construction",
        "331": "Trade Policies & Regulations",
        "332": "Tourism",
        "410": "General Environment Protection",
        "430": "Other Multisector",
        "510": "General Budget Support",
        "520": "Development Food Assistance",
        "530": "Other Commodity Assistance",
        "600": "Action Relating to Debt",
        "720": "Emergency Response",
        "730": "Reconstruction Relief & Rehabilitation",
        "740": "Disaster Prevention & Preparedness",
        "910": "Administrative Costs of Donors",
        "930": "Refugees in Donor Countries",
        "998": "Unallocated / Unspecified",
    }
)
"""DAC 3-digit sector categories (SectorVocabulary 2): code to name [V]."""


DAC5_SECTORS: Mapping[str, str] = MappingProxyType(
    {
        "14010": "Water sector policy and administrative management",
        "14015": "Water resources conservation (including data collection)",
        "14020": "Water supply and sanitation - large systems",
        "14021": "Water supply - large systems",
        "14022": "Sanitation - large systems",
        "14030": "Basic drinking water supply and basic sanitation",
        "14031": "Basic drinking water supply",
        "14032": "Basic sanitation",
        "14040": "River basins development",
        "14050": "Waste management/disposal",
        "14081": "Education and training in water supply and sanitation",
        "21010": "Transport policy and administrative management",
        "21011": "Transport policy, planning and administration",
        "21012": "Public transport services",
        "21013": "Transport regulation",
        "21020": "Road transport",
        "21021": "Feeder road construction",
        "21022": "Feeder road maintenance",
        "21023": "National road construction",
        "21024": "National road maintenance",
        "21030": "Rail transport",
        "21040": "Water transport",
        "21050": "Air transport",
        "21061": "Storage",
        "21081": "Education and training in transport and storage",
        "22010": "Communications policy and administrative management",
        "22011": "Communications policy, planning and administration",
        "22012": "Postal services",
        "22013": "Information services",
        "22020": "Telecommunications",
        "22030": "Radio/television/print media",
        "22040": "Information and communication technology (ICT)",
        "23110": "Energy policy and administrative management",
        "23111": "Energy sector policy, planning and administration",
        "23112": "Energy regulation",
        "23181": "Energy education/training",
        "23182": "Energy research",
        "23183": "Energy conservation and demand-side efficiency",
        "23210": "Energy generation, renewable sources - multiple technologies",
        "23220": "Hydro-electric power plants",
        "23230": "Solar energy for centralised grids",
        "23231": "Solar energy for isolated grids and standalone systems",
        "23232": "Solar energy - thermal applications",
        "23240": "Wind energy",
        "23250": "Marine energy",
        "23260": "Geothermal energy",
        "23270": "Biofuel-fired power plants",
        "23310": "Energy generation, non-renewable sources, unspecified",
        "23320": "Coal-fired electric power plants",
        "23330": "Oil-fired electric power plants",
        "23340": "Natural gas-fired electric power plants",
        "23350": "Fossil fuel electric power plants with carbon capture and storage (CCS)",
        "23360": "Non-renewable waste-fired electric power plants",
        "23410": "Hybrid energy electric power plants",
        "23510": "Nuclear energy electric power plants and nuclear safety",
        "23610": "Heat plants",
        "23620": "District heating and cooling",
        "23630": "Electric power transmission and distribution (centralised grids)",
        "23631": "Electric power transmission and distribution (isolated mini-grids)",
        "23640": "Retail gas distribution",
        "23641": "Retail distribution of liquid or solid fossil fuels",
        "23642": "Electric mobility infrastructures",
        "25010": "Business policy and administration",
        "25020": "Privatisation",
        "25030": "Business development services",
        "25040": "Responsible business conduct",
        "32110": "Industrial policy and administrative management",
        "32120": "Industrial development",
        "32130": "Small and medium-sized enterprises (SME) development",
        "32140": "Cottage industries and handicraft",
        "32161": "Agro-industries",
        "32162": "Forest industries",
        "32163": "Textiles, leather and substitutes",
        "32164": "Chemicals",
        "32165": "Fertilizer plants",
        "32166": "Cement/lime/plaster",
        "32167": "Energy manufacturing (fossil fuels)",
        "32168": "Pharmaceutical production",
        "32169": "Basic metal industries",
        "32170": "Non-ferrous metal industries",
        "32171": "Engineering",
        "32172": "Transport equipment industry",
        "32173": "Modern biofuels manufacturing",
        "32174": "Clean cooking appliances manufacturing",
        "32182": "Technological research and development",
        "32210": "Mineral/mining policy and administrative management",
        "32220": "Mineral prospection and exploration",
        "32261": "Coal",
        "32262": "Oil and gas (upstream)",
        "32263": "Ferrous metals",
        "32264": "Nonferrous metals",
        "32265": "Precious metals/materials",
        "32266": "Industrial minerals",
        "32267": "Fertilizer minerals",
        "32268": "Offshore minerals",
        "32310": "Construction policy and administrative management",
        "41010": "Environmental policy and administrative management",
        "41020": "Biosphere protection",
        "41030": "Biodiversity",
        "41040": "Site preservation",
        "41081": "Environmental education/training",
        "41082": "Environmental research",
        "43010": "Multisector aid",
        "43030": "Urban development and management",
        "43031": "Urban land policy and management",
        "43032": "Urban development",
        "43040": "Rural development",
        "43041": "Rural land policy and management",
        "43042": "Rural development",
        "43050": "Non-agricultural alternative development",
        "43060": "Disaster Risk Reduction",
        "43071": "Food security policy and administrative management",
        "43072": "Household food security programmes",
        "43073": "Food safety and quality",
        "43081": "Multisector education/training",
        "43082": "Research/scientific institutions",
    }
)
"""DAC 5-digit purpose codes (SectorVocabulary 1),
infrastructure/productive subset; code to name [V].

Only the subset reproduced in standards.md; a code missing here may still be a valid CRS
purpose code. The category of each code is :func:`dac3_of` (its first three digits).
"""


def codelist_name(enum_cls: type[Enum]) -> str:
    """The IATI name of a codelist class, e.g. ``"AidType-category"`` for ``AidTypeCategory``."""
    return _NAME_BY_CLASS.get(enum_cls, enum_cls.__name__)


def from_code(enum_cls: type[CodelistT], code: str) -> CodelistT:
    """Return the member of ``enum_cls`` whose IATI code is ``code`` (surrounding blanks ignored).

    Raises :class:`~beltroad.errors.InvalidInput` (a ``ValueError``) naming the codelist, the
    rejected value and some valid codes.

    >>> from_code(TransactionType, "2")
    <TransactionType.OUTGOING_COMMITMENT: 2>
    """
    wanted = code.strip()
    for member in enum_cls:
        if member.code == wanted:
            # mypy widens members of type[CodelistT] to the bound; they are CodelistT.
            return cast(CodelistT, member)
    name = codelist_name(enum_cls)
    codes = [member.code for member in enum_cls]
    shown = ", ".join(codes[:8]) + (", ..." if len(codes) > 8 else "")
    raise InvalidInput(
        f"{code!r} is not a code of the IATI {name} codelist (expected one of {shown})",
        hint=f"see beltroad.reference.iati.{enum_cls.__name__} ({STANDARD}, {len(codes)} codes)",
    )


def dac3_of(code5: str) -> str:
    """The DAC 3-digit sector category of a 5-digit CRS purpose code (its first three digits).

    >>> dac3_of("21030")
    '210'
    """
    text = code5.strip()
    if len(text) != 5 or not text.isdigit():
        raise InvalidInput(
            f"{code5!r} is not a DAC 5-digit purpose code (expected five digits, e.g. '21030')"
        )
    return text[:3]


class ParticipationRole(StrEnum):
    """Roles an organisation plays in a project: IATI OrganisationRole plus two beltroad extensions.

    ``guarantor`` and ``insurer`` are beltroad's own (product.md); they have no ``iati_code``, so
    the IATI export must not emit them as a ``participating-org/@role``.
    """

    FUNDING = "funding"
    ACCOUNTABLE = "accountable"
    EXTENDING = "extending"
    IMPLEMENTING = "implementing"
    GUARANTOR = "guarantor"
    INSURER = "insurer"

    @property
    def label(self) -> str:
        """Human label, e.g. ``"Guarantor"``."""
        return self.value.capitalize()

    @property
    def iati_role(self) -> OrganisationRole | None:
        """The IATI OrganisationRole member, or ``None`` for a beltroad-only role."""
        return _IATI_ROLE.get(self)

    @property
    def iati_code(self) -> str | None:
        """The IATI OrganisationRole code (``"1"`` to ``"4"``), or ``None`` if beltroad-only."""
        role = self.iati_role
        return None if role is None else role.code


_IATI_ROLE: Mapping[ParticipationRole, OrganisationRole] = MappingProxyType(
    {
        ParticipationRole.FUNDING: OrganisationRole.FUNDING,
        ParticipationRole.ACCOUNTABLE: OrganisationRole.ACCOUNTABLE,
        ParticipationRole.EXTENDING: OrganisationRole.EXTENDING,
        ParticipationRole.IMPLEMENTING: OrganisationRole.IMPLEMENTING,
    }
)
