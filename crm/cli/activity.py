"""``flask --app wsgi kefu generate-work-logs``: the work logs of a day, by hand (DOMAIN §4)."""

import click

from crm.cli import operator_command
from crm.core import clock
from crm.extensions import db
from crm.services.activity import work_logs


@operator_command("generate-work-logs")
@click.option("--on", "day", type=click.DateTime(["%Y-%m-%d"]), help="The local date, YYYY-MM-DD (default today).")
def generate_work_logs(day):
    """Generate or refresh the day's work logs (and the weekly summaries on the week's last working day);
    logs already reviewed stay as they were."""
    day = day.date() if day else clock.local(clock.now()).date()
    written = work_logs.generate(db.session, day)
    db.session.commit()
    click.echo(f"{written} work logs written for {day.isoformat()}.")
