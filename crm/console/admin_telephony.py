"""Admin pages for telephony: phone lines, and greeting scripts (text, language, holiday variants,
a recording made by phone or uploaded, played back, and a preview of what plays on a chosen date)."""

from datetime import date, datetime, time
from urllib.parse import urlsplit

from flask import request, url_for
from sqlalchemy import select

from crm.console.admin import admin_page, render_admin
from crm.console.views import console
from crm.extensions import db
from crm.models import Branch
from crm.models.telephony import LINES, SCRIPT_PURPOSES
from crm.services.calls import greetings
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.org import organisation

PREVIEW_HOUR = time(10, 0)  # a working hour: the greeting of the day, not the after-hours one


def _branches():
    return db.session.scalars(select(Branch).order_by(Branch.code)).all()


@console.get("/admin/phone-lines")
@admin_page
def admin_phone_lines():
    return render_admin(
        "admin/phone_lines.html", lines=organisation.phone_lines(db.session), line_names=LINES, branches=_branches()
    )


@console.get("/admin/scripts")
@admin_page
def admin_scripts():
    """The scripts, the form for a new one (a holiday variant when it has dates), and the preview."""
    scripts = db.session.scalars(greetings.scripts_query()).all()
    branches = _branches()
    return render_admin(
        "admin/scripts.html",
        scripts=scripts,
        purposes=SCRIPT_PURPOSES,
        line_names=LINES,
        branches=branches,
        branch_names={branch.id: branch.name for branch in branches},
        preview=_preview(request.args.get("line"), request.args.get("day")),
    )


def _preview(line, day_text):
    """What a caller on ``line`` hears at 10:00 local time on ``day_text``; None when not asked, or the
    question's error."""
    if not line and not day_text:
        return None
    try:
        day = date.fromisoformat(day_text or "")
    except ValueError:
        return {"error": "day", "line": line, "day": day_text}
    if line not in LINES:
        return {"error": "line", "line": line, "day": day_text}
    at = datetime.combine(day, PREVIEW_HOUR, tzinfo=installation_calendar(db.session).zone)
    phrase, branch = greetings.preview(db.session, line, at)
    return {"line": line, "day": day, "phrase": phrase, "branch": branch, "audio": playable(phrase.audio_url)}


@console.get("/admin/scripts/<int:script_id>")
@admin_page
def admin_script(script_id):
    script = greetings.get_script(db.session, script_id)
    return render_admin(
        "admin/script.html",
        script=script,
        line_names=LINES,
        branches=_branches(),
        audio=playable(script.audio_url),
    )


def playable(audio_url):
    """The recording's address for the page's ``<audio>``: an upload kept here is played from this site's
    own media route (the pages allow media from their own origin only); any other address as stored."""
    if not audio_url:
        return None
    media = url_for("twilio.greeting_media", name="x").removesuffix("x")
    path = urlsplit(audio_url).path
    return path if path.startswith(media) else audio_url
