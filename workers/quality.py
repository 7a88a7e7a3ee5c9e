"""QA jobs (issue 11 item 5): the sweep that checks ended agent calls against the QA phrases."""

from crm.extensions import db
from crm.services.quality import qa_checks


def check_calls():
    """Every five minutes: check the agent calls that ended unchecked, and re-check those a late
    transcript outgrew (unreviewed only). The database says what is due: a lost run loses nothing."""
    checked = qa_checks.sweep(db.session)
    db.session.commit()
    return checked
