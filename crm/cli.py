"""``flask --app wsgi kefu …``: operator commands.

Each command opens the app's session, calls one service and commits; a refused request
(``DomainError``) rolls back and exits non-zero with its message.
"""

import functools
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from crm.errors import DomainError
from crm.extensions import db
from crm.models.staff import ROLES
from crm.models.telephony import LINES
from crm.services import deadline_policies, default_scripts, default_surveys, demo, importer, organisation, staff


@click.group()
def kefu():
    """Kefu operator commands."""


def operator_command(name):
    """A ``kefu`` subcommand in the app context whose domain errors become a clean exit 1."""

    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except DomainError as error:
                db.session.rollback()
                raise click.ClickException(error.message) from error

        return kefu.command(name)(with_appcontext(run))

    return decorate


@click.option("--code", required=True, help="Branch code, e.g. BR01.")
@click.option("--name", required=True, help="Branch name, e.g. 上海浦东营业部.")
@click.option("--hotline", help="The branch's hotline number.")
@operator_command("create-branch")
def create_branch(code, name, hotline):
    """Add a branch (营业部)."""
    branch = organisation.create_branch(db.session, code=code, name=name, hotline=hotline)
    db.session.commit()
    click.echo(f"Branch {branch.code} {branch.name} created.")


@click.option("--job-no", required=True, help="Job number (工号), unique.")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--branch", "branch_code", help="Branch code; required for agents and supervisors.")
@click.option("--password", help="Console password (at least 8 characters); none means API token only.")
@click.option("--phone")
@click.option("--on-duty", is_flag=True, help="A supervisor on duty: paged about undispatched complaints.")
@operator_command("create-user")
def create_user(job_no, name, role, branch_code, password, phone, on_duty):
    """Add a staff member and print their new API token (the last line; it is shown only once)."""
    branch = staff.branch_by_code(db.session, branch_code) if branch_code else None
    member = staff.create_staff(
        db.session, job_no=job_no, name=name, role=role, branch=branch, password=password, phone=phone
    )
    member.on_duty = on_duty
    token = staff.issue_api_token(member)
    db.session.commit()
    where = f" at {branch.code} {branch.name}" if branch else ""
    click.echo(f"Created {role} {job_no} {name}{where}. API token (shown once):")
    click.echo(token)


@click.option("--number", required=True, help="The dialled number, any common format, e.g. 021-6888 8888.")
@click.option("--line", required=True, type=click.Choice(LINES))
@click.option("--branch", "branch_code", required=True, help="Branch code of the line, e.g. SH01.")
@operator_command("add-line")
def add_line(number, line, branch_code):
    """Answer a number as a hotline or wealth-club line of a branch (point its Twilio voice URL at Kefu)."""
    branch = staff.branch_by_code(db.session, branch_code)
    phone_line = organisation.add_phone_line(db.session, number=number, line=line, branch_id=branch.id)
    db.session.commit()
    click.echo(f"Phone line {phone_line.number} ({line}) added for {branch.code} {branch.name}.")


@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--branch", "branch_code", help="Branch code for rows whose branch cell is blank.")
@click.option("--encoding", default="utf-8-sig", show_default=True, help="File encoding, e.g. gbk for Excel exports.")
@operator_command("import-customers")
def import_customers(path, branch_code, encoding):
    """Create or update customers from a CSV file, matched by account_no.

    Columns (header row, any order): account_no (required), name, id_number, phones (several
    separated by ';' or '/'), email, branch, manager (job number), status, assets, turnover_rate,
    last_trade_on, birthday, is_vip, vip_since, preferred_channel, risk_tolerance, trading_habit,
    value_segment, decision_style. A blank cell keeps what the customer has. Bad rows are listed
    and skipped, the others kept; the exit status is 1 when any row was rejected.
    """
    with (
        path.open(encoding=encoding, newline="") as stream,
        click.progressbar(length=_data_lines(path), label="Importing", file=sys.stderr) as bar,
    ):
        report = importer.import_customers(
            db.session, importer.read_csv(stream), source=path.name, default_branch=branch_code, progress=bar.update
        )
    db.session.commit()
    for error in report.errors:
        click.echo(str(error), err=True)
    click.echo(
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, {report.rejected} rejected."
    )
    if report.rejected:
        raise click.exceptions.Exit(1)


def _data_lines(path):
    """Lines after the header: the progress bar's length (a cell spanning lines makes it an estimate)."""
    with path.open("rb") as raw:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b"")) - 1, 0)


@operator_command("load-defaults")
def load_defaults():
    """Add the reference data a new installation needs and lacks: DOMAIN §5 deadline policies,
    DOMAIN §6 scripts (greetings, IVR prompts, holiday variants) and DOMAIN §7 surveys. Edits stay."""
    added = {
        "deadline policies": deadline_policies.ensure_defaults(db.session),
        "scripts": default_scripts.ensure_default_scripts(db.session),
        "surveys": default_surveys.ensure_default_surveys(db.session),
    }
    db.session.commit()
    click.echo("Defaults added: " + ", ".join(f"{count} {what}" for what, count in added.items()))


@operator_command("seed-demo")
def seed_demo():
    """Load the demo branches, staff, customers, products and visits, unless data is already there."""
    result = demo.seed(db.session)
    db.session.commit()
    if result is None:
        click.echo("Demo data not loaded: the database already has staff or customers.")
        return
    click.echo(result.summary())
    click.echo(f"Demo logins (password for all: {demo.PASSWORD}):")
    for row in result.logins():
        click.echo("  " + row)
