"""beltroad: plan, coordinate and manage a Belt and Road style cooperation portfolio.

The Python API for notebooks and scripts. Importing beltroad does no work: no settings are read
and no database is opened until you call a function.
"""

from beltroad.errors import BeltroadError
from beltroad.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = ["BeltroadError", "Settings", "__version__", "load_settings"]
