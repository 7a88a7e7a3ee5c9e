"""``kefu load-defaults`` and ``kefu seed-demo``: reference data for a new installation, and demo data."""

import click
from flask import current_app

from crm.cli import operator_command
from crm.extensions import db
from crm.services.activity import cadence, quotas
from crm.services.calls import default_scripts
from crm.services.cases import deadline_policies
from crm.services.customers import documents
from crm.services.demo import seed
from crm.services.messages import templates
from crm.services.org import wording
from crm.services.quality import qa_phrases
from crm.services.surveys import default_surveys


@operator_command("load-defaults")
def load_defaults():
    """Add the reference data a new installation needs and lacks: DOMAIN §5 deadline policies,
    DOMAIN §6 scripts (greetings, IVR prompts, holiday variants), DOMAIN §7 surveys, the customer SMS
    templates and the forbidden marketing words (issue 10); the DOMAIN §4 default quota targets (10 contact
    calls and 5 appointments a working day), the contact cadence by class and the QA phrases (issue 11;
    DOMAIN §6: greetings, closing, read-back cues, the 18 forbidden phrases). Edits stay."""
    added = {
        "deadline policies": deadline_policies.ensure_defaults(db.session),
        "scripts": default_scripts.ensure_default_scripts(db.session),
        "surveys": default_surveys.ensure_default_surveys(db.session),
        "SMS templates": templates.ensure_default_templates(db.session),
        "marketing words": wording.ensure_default_words(db.session),
        "quota targets": quotas.ensure_defaults(db.session),
        "contact cadences": cadence.ensure_default_cadences(db.session),
        "QA phrases": qa_phrases.ensure_default_phrases(db.session),
    }
    db.session.commit()
    click.echo(_defaults_report(added))


def _defaults_report(added):
    """What ``load-defaults`` did, in words: what it added, and what was already there."""
    new = ", ".join(f"{count} {what}" for what, count in added.items() if count)
    present = ", ".join(what for what, count in added.items() if not count)
    if not new:
        return f"Nothing added: the defaults were already there ({present})."
    return f"Defaults added: {new}." + (f" Already there: {present}." if present else "")


@operator_command("seed-demo")
def seed_demo():
    """Load the demo branches, staff, customers, products and visits, unless data is already there."""
    result = seed.seed(db.session, documents.store_from(current_app.config))
    db.session.commit()
    if result is None:
        click.echo("Demo data not loaded: the database already has staff or customers.")
        return
    click.echo(result.summary())
    click.echo(f"Demo logins (password for all: {seed.PASSWORD}):")
    for row in result.logins():
        click.echo("  " + row)
