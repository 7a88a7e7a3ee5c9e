from crm.console import phone  # noqa: F401  (adds the phone simulator panel)
from crm.console.views import console

__all__ = ["console"]
