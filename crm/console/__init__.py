"""The server-rendered console (Jinja): sign-in, the customer list, the phone simulator.

An edge like the API: views call services and render; they may import services and telephony.
"""

from crm.console import phone  # noqa: F401  (adds the phone simulator panel)
from crm.console.views import console

__all__ = ["console"]
