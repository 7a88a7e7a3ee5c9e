"""``flask --app wsgi kefu calendar``, ``kefu deadline`` and ``kefu sweep``: the working-day calendar,
the due times a new case would get, and one escalation sweep run by hand — DOMAIN §5."""

import click
from flask.cli import with_appcontext

from crm.cli import kefu, parse_instant
from crm.core import clock
from crm.errors import InvalidInput
from crm.extensions import db
from crm.models.cases import KINDS
from crm.services.cases import escalation
from crm.services.cases.calendar import installation
from crm.services.cases.deadlines import due_times

_DAY = click.DateTime(["%Y-%m-%d"])


@kefu.command("calendar")
@click.option("--from", "start", type=_DAY, required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", type=_DAY, required=True, help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--all", "every_day", is_flag=True, help="Also list the closed days.")
@with_appcontext
def calendar(start, end, every_day):
    """Print the working days between two dates, one per line, with notes on adjusted days."""
    calendar = installation.installation_calendar(db.session)
    try:
        days = installation.days_between(start.date(), end.date())
    except InvalidInput as exc:
        raise click.BadParameter(exc.message, param_hint="--to") from exc
    for day in days:
        working, note = installation.describe_day(calendar, day)
        if working or every_day:
            extras = [("working" if working else "closed") if every_day else None, note]
            click.echo("  ".join([f"{day.isoformat()} {day:%a}", *filter(None, extras)]))


@kefu.command("deadline")
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--vip", is_flag=True, help="The customer is a VIP.")
@click.option("--at", "at", help="Intake instant, ISO 8601 (local time when no offset); default now.")
@with_appcontext
def deadline(kind, vip, at):
    """Print each due time a case of KIND arriving at --at would get, in the installation's time zone."""
    start = parse_instant(at) if at else clock.now()
    for name, times in due_times(db.session, kind, vip, start).items():
        click.echo(f"{name}_due: {clock.local(times.due_at).isoformat()}")


@kefu.command("sweep")
@click.option("--at", "at", help="Sweep as of this instant, ISO 8601 (local time when no offset); default now.")
@with_appcontext
def sweep(at):
    """Take every escalation step due now (or at --at) and print what was done, one line per step."""
    summary = escalation.sweep(db.session, parse_instant(at) if at else clock.now())
    click.echo(f"sweep at {clock.local(summary.at).isoformat()}")
    for action in escalation.ACTIONS:
        if summary.steps[action]:
            cases = ", ".join(map(str, sorted(summary.step_cases[action])))
            click.echo(f"{_step_label(action)}: {summary.steps[action]} (cases {cases})")
    if not summary.total:
        click.echo("nothing due")


def _step_label(action):
    """``escalation.branch_head`` → ``branch head``."""
    return action.removeprefix("escalation.").replace("_", " ")
