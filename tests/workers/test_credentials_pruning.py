"""Sessions and API tokens that ended (expired or revoked) over 30 days ago are pruned nightly; live ones and
those ended more recently stay."""

from datetime import timedelta

from sqlalchemy import select

from crm.models import Credential
from crm.services.org import credentials
from workers import jobs


def issued(db, person, label, at=None, revoked_at=None):
    credential, _ = credentials.issue(person, "api", label)
    credential.revoked_at = revoked_at
    if at is not None:
        credential.created_at, credential.expires_at = at - timedelta(days=30), at
    db.session.commit()


def test_credentials_ended_over_30_days_ago_go(db, make, clock):
    person = make.staff(role="agent", branch=make.branch(), password=None)
    issued(db, person, "expired long ago", at=clock.at - timedelta(days=31))
    issued(db, person, "expired lately", at=clock.at - timedelta(days=29))
    issued(db, person, "revoked long ago", revoked_at=clock.at - timedelta(days=30, seconds=1))
    issued(db, person, "revoked lately", revoked_at=clock.at - timedelta(days=1))
    issued(db, person, "live")
    assert jobs.prune_ended_credentials() == 2
    db.session.expire_all()
    labels = sorted(
        db.session.scalars(
            select(Credential.label).where(Credential.staff_id == person.id, Credential.label.is_not(None))
        )
    )
    assert labels == ["expired lately", "live", "revoked lately"]
    assert credentials.prune_ended(db.session, clock.at, batch_size=1) == 0
