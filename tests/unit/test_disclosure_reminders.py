"""Issue 10 §8: a signed risk disclosure older than the renewal interval puts a reminder in the customer's
manager's inbox, once per disclosure however often the sweep runs."""

from datetime import timedelta

from crm.models import Document, Notification
from crm.services.cases.disclosure_reminders import remind_due


def disclosure(db, customer, at):
    document = Document(
        customer_id=customer.id,
        kind="risk_disclosure",
        sha256="0" * 64,
        content_type="application/pdf",
        size_bytes=1,
        added_by_id=customer.manager_id,
        added_at=at,
    )
    db.session.add(document)
    db.session.commit()
    return document


def reminders(db):
    return db.session.query(Notification).filter_by(kind="disclosure_renewal").all()


def test_the_manager_is_reminded_once_when_the_interval_has_passed(db, make, agent, clock):
    customer = make.customer(manager=agent)
    disclosure(db, customer, clock.at - timedelta(days=365))
    fresh = make.customer(manager=agent, phones=("13900139000",))
    disclosure(db, fresh, clock.at - timedelta(days=364))

    assert remind_due(db.session, clock.at, 365) == 1
    assert remind_due(db.session, clock.at + timedelta(hours=1), 365) == 0
    db.session.commit()
    (notice,) = reminders(db)
    assert (notice.recipient_id, notice.case_id) == (agent.id, None)
    assert f"#{customer.id}" in notice.text and customer.name not in notice.text


def test_a_new_disclosure_starts_the_interval_again(db, make, agent, clock):
    customer = make.customer(manager=agent)
    disclosure(db, customer, clock.at - timedelta(days=400))
    remind_due(db.session, clock.at, 365)
    disclosure(db, customer, clock.at)
    assert remind_due(db.session, clock.at + timedelta(days=30), 365) == 0
    assert remind_due(db.session, clock.at + timedelta(days=365), 365) == 1
    db.session.commit()
    assert len(reminders(db)) == 2
