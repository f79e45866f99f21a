"""Typed settings, layered: defaults → ``beltroad.toml`` → ``BELTROAD_*`` environment → flags.

Nothing is read at import time: call :func:`load_settings`. Every field is documented in
``docs/settings.md`` (a test checks that).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from beltroad.errors import InvalidInput

DEFAULT_CONFIG_FILE = "beltroad.toml"


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/beltroad``, or ``~/.local/share/beltroad``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "beltroad"


class Settings(BaseSettings):
    """All of beltroad's settings. Environment variables are ``BELTROAD_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="BELTROAD_", extra="forbid", frozen=True)

    config_file: Path | None = Field(
        default=None,
        description="TOML file with settings; default ./beltroad.toml when it exists.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where beltroad keeps its SQLite database, cached datasets and outputs.",
    )
    db: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy database URL. Default: SQLite at DATA_DIR/beltroad.db. "
            "PostgreSQL: postgresql+psycopg://user:password@host:5432/dbname."
        ),
    )
    data_mirror: str | None = Field(
        default=None,
        description=(
            "Folder or URL holding dataset files under the same relative paths as the "
            "upstream mirror layout; tried before any download."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address the web server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port of the web server.")
    base_year: int = Field(
        default=2021,
        ge=1990,
        le=2100,
        description="Base year of constant-USD amounts (AidData GCDF 3.0 uses 2021).",
    )
    seed: int = Field(default=20241203, ge=0, description="Seed of synthetic data and simulations.")
    synthetic_projects: int | None = Field(
        default=None,
        ge=1,
        le=10_000_000,
        description=(
            "Size of the synthetic portfolio that `beltroad demo` builds. Default: the record "
            "count of AidData's GeoGCDF 3.0 file when it is at hand (cache or mirror), else "
            "10,000 (an [N] assumption of the same order)."
        ),
    )
    debug: bool = Field(default=False, description="Show tracebacks on errors.")
    overlap_precedence: tuple[str, ...] = Field(
        default=("aiddata-gcdf3", "aiddata-geogcdf3", "aiddata-gcdf2", "aiddata-gcof1"),
        description=(
            "Datasets in order of precedence: of records linked as one project, the one from "
            "the first listed dataset counts (default: the newest AidData version first); "
            "datasets not listed follow, by name."
        ),
    )
    overlap_threshold: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description=(
            "Similarity score (0-1) from which two records without a shared identifier are "
            "listed as a candidate match for review."
        ),
    )
    token_days: int = Field(
        default=30, ge=1, le=3650, description="Days an API token lasts unless told otherwise."
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Failed logins in a row after which a user's logins are refused for a while.",
    )
    login_lockout_minutes: int = Field(
        default=15, ge=1, le=10_080, description="How long logins stay refused after that."
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the web server answers besides localhost, 127.0.0.1, [::1] and "
        "`host` (a guard against DNS rebinding); `*` allows any.",
    )
    public_mode: bool = Field(
        default=False,
        description="Read-only public mode: anonymous visitors may read, at /public, the "
        "projects an administrator has marked public (nothing else, no edits, no exports).",
    )
    tls_proxy: bool = Field(
        default=False,
        description="A TLS-terminating proxy is in front of `serve`: session cookies are marked "
        "Secure and binding a non-loopback address is not warned about.",
    )
    web_secret: str | None = Field(
        default=None,
        description="Key that signs web session cookies; unset, one is generated once into "
        "DATA_DIR/web_secret. Set it when several hosts serve one database.",
    )
    login_max_failures_per_address: int = Field(
        default=20,
        ge=1,
        le=100_000,
        description="Failed logins from one client address, whatever the logins tried, within "
        "login_lockout_minutes, after which that address's logins are refused for a while.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server that mails notifications; unset, notifications stay in the "
        "outbox (shown by `beltroad notifications list` and the web).",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port (STARTTLS).")
    smtp_user: str | None = Field(default=None, description="SMTP login, if the server needs one.")
    smtp_password: str | None = Field(default=None, description="SMTP password.")
    mail_from: str = Field(
        default="beltroad@localhost", description="Sender address of notification mail."
    )

    @field_validator("host")
    @classmethod
    def _host_is_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be a host name or IP address")
        return value

    @property
    def database_url(self) -> str:
        """The URL to connect to: ``db``, or the embedded SQLite file under ``data_dir``."""
        return self.db or f"sqlite:///{self.data_dir / 'beltroad.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: flags, then environment, then the TOML file, then defaults.
        init_kwargs: dict[str, Any] = getattr(init_settings, "init_kwargs", {})
        config = init_kwargs.get("config_file") or os.environ.get("BELTROAD_CONFIG_FILE")
        path = Path(config) if config else Path(DEFAULT_CONFIG_FILE)
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def load_settings(config_file: Path | str | None = None, **flags: Any) -> Settings:
    """Build the settings; flags that are ``None`` are treated as not given.

    >>> load_settings(data_dir="/tmp/br").database_url
    'sqlite:////tmp/br/beltroad.db'
    """
    given = {key: value for key, value in flags.items() if value is not None}
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise InvalidInput.at(
                "config file not found (expected a TOML file)", file=str(path), field="config_file"
            )
        given["config_file"] = path
    _check_toml(given.get("config_file") or os.environ.get("BELTROAD_CONFIG_FILE"))
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc'])}={err.get('input')!r}: {err['msg']}"
            for err in exc.errors()
        ]
        raise InvalidInput(
            "invalid settings: " + "; ".join(problems),
            hint="check flags, BELTROAD_* variables and beltroad.toml (see docs/settings.md)",
        ) from None


def _check_toml(config: object) -> None:
    """Give a TOML syntax error a file and line, before pydantic sees the file."""
    path = Path(str(config)) if config else Path(DEFAULT_CONFIG_FILE)
    if not path.is_file():
        return
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.at(f"not valid TOML ({exc})", file=str(path)) from None
