"""The working-day calendar (anyone) and its overrides (admins) — DOMAIN §5."""

from datetime import date

from flask_smorest import Blueprint

from crm.api.schemas.calendar import OptionalRangeQuery, OverrideIn, OverrideOut, RangeQuery, WorkingDaysOut
from crm.auth import current_staff, roles
from crm.errors import InvalidInput
from crm.extensions import db
from crm.services.cases.calendar import installation

URL = "calendar"
blp = Blueprint("calendar", __name__, description="Working days, holidays and the installation's overrides")


@blp.get("/working-days")
@roles("agent", "supervisor", "admin")
@blp.arguments(RangeQuery, location="query")
@blp.response(200, WorkingDaysOut)
def working_days(args):
    """The working days from ``from`` to ``to`` (inclusive), with why a weekend day is worked."""
    calendar = installation.installation_calendar(db.session)
    days = []
    for day in installation.days_between(args["start"], args["end"]):
        working, note = installation.describe_day(calendar, day)
        if working:
            days.append({"day": day, "weekday": f"{day:%a}", "note": note})
    return {**args, "working_days": days}


@blp.get("/overrides")
@roles("admin")
@blp.arguments(OptionalRangeQuery, location="query")
@blp.response(200, OverrideOut(many=True))
def list_overrides(args):
    """The installation's own holidays and extra working days, by date."""
    return installation.list_overrides(db.session, args.get("start"), args.get("end"))


@blp.post("/overrides")
@roles("admin")
@blp.arguments(OverrideIn)
@blp.response(201, OverrideOut)
def add_override(data):
    """Close the centre on a day, or open it on one (409 when the day already has an override)."""
    override = installation.add_override(db.session, current_staff(), **data)
    db.session.commit()
    return override


@blp.delete("/overrides/<day>")
@roles("admin")
@blp.response(204)
def remove_override(day):
    """Drop the override of ``day`` (YYYY-MM-DD); the holiday library decides that day again."""
    installation.remove_override(db.session, _day(day))
    db.session.commit()


def _day(text):
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD).", {"day": ["Not a valid date."]}) from exc
