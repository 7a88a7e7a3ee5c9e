"""Survey results: the customers' answers to the callback surveys of the branch's cases, and per agent
(the case owner) how many answered, how many were satisfied and the mean score."""

from flask import render_template
from flask_babel import lazy_gettext as _l

from crm.console import board_labels
from crm.console.nav import menu_entry
from crm.console.supervisors import branches_for, chosen_branch_id, supervisors_only
from crm.console.views import console
from crm.extensions import db
from crm.services.surveys import results


@console.get("/supervision/surveys")
@menu_entry(_l("Survey results"), roles=("supervisor", "admin"), order=46)
@supervisors_only
def survey_results(staff):
    branch_id = chosen_branch_id(staff)
    shown = results.case_results(db.session, staff, branch_id=branch_id)
    return render_template(
        "board/surveys.html",
        results=shown,
        agents=results.by_owner(shown),
        branch_id=branch_id,
        branches=branches_for(staff),
        labels=board_labels,
    )
