"""``kefu create-branch``, ``create-user``, ``token``, ``unlock`` and ``add-line``: branches, staff, their
sign-in, and phone lines."""

import click
from flask import current_app

from crm import signin
from crm.cli import operator_command
from crm.extensions import db
from crm.models.staff import ROLES
from crm.models.telephony import LINES
from crm.services.org import credentials, organisation, staff


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
    token = credentials.issue_api_token(member, "created with the account")
    db.session.commit()
    where = f" at {branch.code} {branch.name}" if branch else ""
    click.echo(f"Created {role} {member.job_no} {name}{where}. API token (shown once):")
    click.echo(token)


@click.option("--job-no", required=True, help="Job number (工号) of an active staff member, e.g. 1101.")
@click.option("--label", default="command line", show_default=True, help="What the token is for.")
@operator_command("token")
def token(job_no, label):
    """Print a new API token for a staff member (the last line; shown only once). Their others keep working."""
    member = staff.active_staff_by_job_no(db.session, job_no)
    secret = credentials.issue_api_token(member, label)
    db.session.commit()
    click.echo(f"API token for {member.role} {member.job_no}, valid {current_app.config['API_TOKEN_DAYS']} days:")
    click.echo(secret)


@click.option("--job-no", required=True, help="Job number (工号) locked out by failed sign-ins.")
@operator_command("unlock")
def unlock(job_no):
    """Lift a sign-in lock-out: forget the failed sign-ins counted against this job number."""
    signin.unlock(job_no)
    click.echo(f"Sign-in unlocked for job number {job_no}.")


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
