"""``flask --app wsgi kefu phone``: call the IVR as a customer would and print what they hear."""

from contextlib import nullcontext

import click
from flask import current_app

from crm.cli import operator_command, parse_instant
from crm.core import clock
from telephony.standin.simulator import simulate_inbound_call


@click.option("--from", "from_", required=True, help="The caller's number, e.g. +8613800138000.")
@click.option("--to", help="The number dialled (a line's number); default: the first hotline.")
@click.option("--press", "keys", multiple=True, help="Keys pressed at each menu in turn, e.g. --press 2 --press 1.")
@click.option("--agent-answers/--no-agent-answer", default=True, show_default=True, help="Does a rung agent pick up?")
@click.option("--record-text", help="What the caller says when recorded (voicemail, complaint); none: silence.")
@click.option("--hangup-after", type=int, help="Hang up after hearing this many prompts.")
@click.option("--at", help="Call at this instant, ISO 8601 (local time when no offset); default now.")
@operator_command("phone")
def phone(from_, to, keys, agent_answers, record_text, hangup_after, at):
    """Walk one inbound call through the IVR (signed webhooks, in process) and print the transcript."""
    script = {"agent_answers": agent_answers, "record_text": record_text, "hangup_after": hangup_after}
    with clock.frozen(parse_instant(at)) if at else nullcontext():
        transcript = simulate_inbound_call(current_app, from_, to, keys, **script)
    for line in transcript.lines:
        click.echo(line)
    click.echo(f"call {transcript.call_sid}: {transcript.status}, {transcript.duration} s")
    if transcript.errors:
        raise click.ClickException(f"webhook errors: {transcript.errors}")
