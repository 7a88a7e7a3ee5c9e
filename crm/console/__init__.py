"""The server-rendered console (Jinja): sign-in, the customer list, the phone simulator, the call-quality report.

An edge like the API: views call services and render; they may import services and telephony.
"""

from crm.console import (
    phone,  # noqa: F401  (adds the phone simulator panel)
    reports,  # noqa: F401  (adds the call-quality report page)
)
from crm.console.views import console

__all__ = ["console"]
