"""beltroad: plan, coordinate and manage a Belt and Road style cooperation portfolio.

The Python API for notebooks and scripts. Importing beltroad does no work: no settings are read
and no database is opened until you call a function::

    import beltroad
    with beltroad.open("sqlite:///beltroad.db") as portfolio:
        portfolio.breakdown(["country", "sector"])  # a pandas DataFrame
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from beltroad.errors import BeltroadError

if TYPE_CHECKING:
    from beltroad.api import Portfolio
    from beltroad.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = ["BeltroadError", "Portfolio", "Settings", "__version__", "load_settings", "open"]


def open(
    url: str | None = None,
    *,
    data_dir: str | Path | None = None,
    config_file: str | Path | None = None,
) -> Portfolio:
    """Open the registry at ``url``; see :func:`beltroad.api.open`."""
    from beltroad.api import open as open_portfolio

    return open_portfolio(url, data_dir=data_dir, config_file=config_file)


def __getattr__(name: str) -> Any:
    if name == "Portfolio":  # imported on first use: it pulls in pandas and SQLAlchemy
        from beltroad.api import Portfolio

        return Portfolio
    if name in ("Settings", "load_settings"):  # pydantic-settings: ~0.4 s, kept out of start-up
        from beltroad import settings

        return getattr(settings, name)
    raise AttributeError(f"module 'beltroad' has no attribute {name!r}")
