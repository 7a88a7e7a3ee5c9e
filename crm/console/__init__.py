"""The server-rendered console (Jinja, htmx): the agent desk, the supervisor board, the admin pages.

An edge like the API: views call services and render; they may import services and telephony. Each
module adds its pages (and their menu entries) to the one ``console`` blueprint.
"""

from crm.console import (  # noqa: F401  (each adds its pages)
    admin,
    admin_jobs,
    admin_org,
    admin_policies,
    admin_quality,
    admin_telephony,
    board,
    code_names,
    customer_panels,
    customers,
    desk,
    desk_call,
    desk_events,
    formats,
    my_work,
    phone,
    reports,
    softphone,
    supervision_qa,
    supervision_quotas,
    supervision_spot_checks,
    supervision_surveys,
    supervision_work_logs,
)
from crm.console.views import console

__all__ = ["console"]
