"""IATI code maps: the 2.0x codes and the names or letter codes 1.0x files and pre-1.0 drafts use.

Data, not logic: each map takes a code as written in a file to the 2.0x code (or the record field)
beltroad stores. Both forms are read wherever they occur, so a file need not declare its version.
"""

from __future__ import annotations

from beltroad.reference.iati import ParticipationRole

DATE_FIELDS = {
    "1": "planned_start",
    "2": "actual_start",
    "3": "planned_end",
    "4": "actual_end",
    # 1.0x names
    "start-planned": "planned_start",
    "start-actual": "actual_start",
    "end-planned": "planned_end",
    "end-actual": "actual_end",
    # pre-1.0 drafts say only "start" and "end"/"completion": read as planned, the weaker claim
    "start": "planned_start",
    "end": "planned_end",
    "completion": "planned_end",
}

# TransactionType: 2.0x numbers, 1.0x letter codes, and the names of pre-1.0 drafts.
TRANSACTION_TYPES: dict[str, int] = {str(code): code for code in range(1, 14)} | {
    "IF": 1,
    "C": 2,
    "D": 3,
    "E": 4,
    "IR": 5,
    "LR": 6,
    "R": 7,
    "QP": 8,
    "QS": 9,
    "CG": 10,
    "incoming funds": 1,
    "commitment": 2,
    "disbursement": 3,
    "disbursment": 3,  # sic, in published 1.0 files
    "expenditure": 4,
    "interest repayment": 5,
    "loan repayment": 6,
    "reimbursement": 7,
}

ROLES: dict[str, ParticipationRole] = {
    "1": ParticipationRole.FUNDING,
    "2": ParticipationRole.ACCOUNTABLE,
    "3": ParticipationRole.EXTENDING,
    "4": ParticipationRole.IMPLEMENTING,
    "funding": ParticipationRole.FUNDING,
    "accountable": ParticipationRole.ACCOUNTABLE,
    "extending": ParticipationRole.EXTENDING,
    "implementing": ParticipationRole.IMPLEMENTING,
    "donor": ParticipationRole.FUNDING,  # pre-1.0 drafts
}

STATUS_NAMES = {
    "pipeline": 1,
    "identification": 1,
    "implementation": 2,
    "ongoing": 2,
    "completion": 3,
    "finalisation": 3,
    "post-completion": 4,
    "closed": 4,
    "cancelled": 5,
    "suspended": 6,
}

# 1.0x sector vocabularies -> 2.0x SectorVocabulary codes. "WB" (World Bank sector codes) has no
# 2.0x vocabulary of its own; it is the reporting organisation's vocabulary, 99.
SECTOR_VOCABULARIES = {
    "DAC": "1",
    "DAC-3": "2",
    "COFOG": "3",
    "NACE": "4",
    "NTEE": "5",
    "ADT": "6",
    "RO": "99",
    "RO2": "98",
    "WB": "99",
}

BUDGET_TYPES = {"original": "1", "revised": "2"}  # 1.0x names -> BudgetType


__all__ = [
    "BUDGET_TYPES",
    "DATE_FIELDS",
    "ROLES",
    "SECTOR_VOCABULARIES",
    "STATUS_NAMES",
    "TRANSACTION_TYPES",
]
