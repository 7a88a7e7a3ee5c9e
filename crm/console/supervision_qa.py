"""QA flags to review: the open QA results of the branch, each flag confirmed or dismissed with a comment.

Reviews go to ``POST /api/v1/qa/flags/<id>/review``, whose rules apply (once per flag; nobody reviews
the flags of their own call: the API's refusal shows in the form).
"""

from flask import render_template
from flask_babel import lazy_gettext as _l

from crm.console import board_labels
from crm.console.nav import menu_entry
from crm.console.supervisors import branches_for, chosen_branch_id, supervisors_only
from crm.console.views import console
from crm.extensions import db
from crm.models import QaResult
from crm.services.quality import qa_checks

SHOWN = 100
RECENTLY_REVIEWED = 20


@console.get("/supervision/qa")
@menu_entry(_l("QA flags"), roles=("supervisor", "admin"), order=44)
@supervisors_only
def qa_flags(staff):
    branch_id = chosen_branch_id(staff)
    return render_template(
        "board/qa.html",
        staff=staff,
        results=_results(staff, branch_id, "open", SHOWN),
        reviewed=_results(staff, branch_id, "reviewed", RECENTLY_REVIEWED),
        branch_id=branch_id,
        branches=branches_for(staff),
        labels=board_labels,
    )


def _results(staff, branch_id, state, limit):
    stmt = qa_checks.results_query(staff, state=state)
    if branch_id is not None:
        stmt = stmt.where(QaResult.branch_id == branch_id)
    return db.session.scalars(stmt.limit(limit)).unique().all()
