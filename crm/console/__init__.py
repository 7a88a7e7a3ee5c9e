"""The server-rendered console (Jinja, htmx): the agent desk, the supervisor board, the admin pages.

An edge like the API: views call services and render; they may import services and telephony. Each
module adds its pages (and their menu entries) to the one ``console`` blueprint.
"""

from crm.console import (  # noqa: F401  (each adds its pages)
    admin,
    board,
    customers,
    desk,
    desk_events,
    phone,
    reports,
    softphone,
)
from crm.console.views import console

__all__ = ["console"]
