"""RQ jobs: each opens the app's session, calls one service and commits.

They run inside a Flask app context, which the worker classes in ``workers.worker`` push
around every job.
"""

from crm.extensions import db
from crm.services import clock, reclassification


def reclassify_customers():
    """Nightly: move customers who went dormant to class G, with their audit rows."""
    moved = reclassification.reclassify_all(db.session, clock.local(clock.now()).date())
    db.session.commit()
    return moved
