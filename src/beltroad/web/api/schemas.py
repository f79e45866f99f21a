"""Request bodies of the JSON API (separate create and update shapes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Login(Body):
    login: str
    password: str


class ProjectCreate(Body):
    identifier: str
    fields: dict[str, Any] = Field(description="Editable fields: title, countries, sectors, ...")


class ProjectUpdate(Body):
    fields: dict[str, Any]
    draft_version: int | None = Field(None, description="The draft version you edited (lock).")


class Decision(Body):
    comment: str | None = None


class Transition(Body):
    to_state: str
    reason: str
    version: int | None = Field(None, description="The project version you saw (lock).")


class PlanCreate(Body):
    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    description: str | None = None


class TargetCreate(Body):
    metric: str
    target: float
    due_on: dt.date
    dimension: str = "all"
    key: str | None = None
    base_year: int | None = None


class TaskCreate(Body):
    title: str
    unit_id: int
    due_on: dt.date
    project: str | None = None
    depends_on: list[int] = []
    description: str | None = None


class TaskUpdate(Body):
    version: int = Field(description="The version you read (optimistic lock).")
    status: str | None = None
    done_on: dt.date | None = None
    due_on: dt.date | None = None
    title: str | None = None


class UnitCreate(Body):
    name: str
    kind: str
    parent_id: int | None = None
    country: str | None = None


class UserCreate(Body):
    login: str
    role: str
    scopes: list[str] = []
    password: str | None = None
    email: str | None = None


class Freeze(Body):
    period: str
    note: str | None = None


class MilestoneCreate(Body):
    name: str
    planned_on: dt.date
    unit_id: int | None = None
    stage: str | None = None


class MilestoneUpdate(Body):
    version: int = Field(description="The version you read (optimistic lock).")
    status: str | None = None
    actual_on: dt.date | None = None
    planned_on: dt.date | None = None


EntityValue = str | int | float | bool | list[str] | None


class EntityCreate(Body):
    fields: dict[str, EntityValue] = Field(
        description="Template columns (see `beltroad template KIND`): e.g. source_id, name, "
        "host_country; lists (countries, organisations) as arrays or '; '-separated text."
    )


class EntityUpdate(Body):
    fields: dict[str, EntityValue] = Field(
        description="The columns to change; the whole record is checked again."
    )
    version: int | None = Field(
        None,
        description="The version you read (or send it as `If-Match`). A record changed since "
        "answers 409 naming both versions, never a silent overwrite.",
    )
