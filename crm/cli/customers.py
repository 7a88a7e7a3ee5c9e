"""``kefu import-customers``: customers from a CSV file."""

import sys
from pathlib import Path

import click
from flask import current_app

from crm.cli import operator_command
from crm.extensions import db
from crm.services.customers import import_file, importer


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
    and skipped, the others kept; the exit status is 1 when any row was rejected. Rows are committed
    in batches of KEFU_IMPORT_BATCH_SIZE: running a stopped import again finishes it.
    """
    with (
        path.open("rb") as raw,
        click.progressbar(length=_data_lines(path), label="Importing", file=sys.stderr) as bar,
    ):
        try:
            records = import_file.read_csv(import_file.decoded_lines(raw, encoding))
            report = importer.import_customers(
                db.session,
                records,
                source=path.name,
                default_branch=branch_code,
                batch_size=current_app.config["IMPORT_BATCH_SIZE"],
                progress=bar.update,
                commit_batches=True,
                workers=current_app.config["IMPORT_WORKERS"],
            )
        except import_file.NotInEncoding as error:
            hint = f"Run the import again with --encoding {error.suggested}."
            raise click.ClickException(f"{error.message} {hint}") from None
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
