"""How the console writes times and durations (template filters and globals shared by every page)."""

from flask_babel import gettext as _

from crm.console.views import console
from crm.core import clock


@console.app_template_filter("local_time")
def local_time(at):
    """An aware time as the installation's local ``YYYY-MM-DD HH:MM``."""
    return clock.local(at).strftime("%Y-%m-%d %H:%M") if at else ""


@console.app_template_global()
def duration_text(delta):
    """``3 d 2 h``, ``2 h 15 min`` or ``5 min``: a clock's time left, or how late it is."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)s d %(h)s h", d=days, h=hours)
    if hours:
        return _("%(h)s h %(m)s min", h=hours, m=minutes)
    return _("%(m)s min", m=minutes)
