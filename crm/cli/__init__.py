"""The command line: ``flask --app wsgi kefu …`` operator commands, one module per area, and the
``worker`` / ``scheduler`` processes (``crm.cli.workers``).

Each command opens the app's session, calls one service and commits; a refused request
(``DomainError``) rolls back and exits non-zero with its message. Like the API, the CLI is an
edge: it may import services, telephony and workers; nothing imports it but the app factory.
"""

import functools
from datetime import datetime

import click
from flask.cli import with_appcontext

from crm.core import clock
from crm.errors import DomainError
from crm.extensions import db


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


def parse_instant(text):
    """An ``--at`` value: ISO 8601, local time when it has no offset."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 instant.", param_hint="--at") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=clock.zone())


def register_cli(app):
    """Add ``kefu`` (with every area's subcommands) and the ``worker`` and ``scheduler`` processes."""
    from crm.cli import activity, cases, customers, org, phone, setup, workers  # noqa: F401  (each adds its subcommands)

    app.cli.add_command(kefu)
    for command in workers.COMMANDS:
        app.cli.add_command(command)
