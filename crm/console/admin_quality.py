"""Admin pages for quality: the callback surveys (read only: no API changes them) and the QA phrases."""

from crm.console.admin import admin_page, render_admin
from crm.console.views import console
from crm.extensions import db
from crm.models.quality import MATCH_MODES, PHRASE_KINDS
from crm.services.quality import qa_phrases
from crm.services.surveys import runs


@console.get("/admin/surveys")
@admin_page
def admin_surveys():
    return render_admin("admin/surveys.html", surveys=runs.all_surveys(db.session))


@console.get("/admin/qa-phrases")
@admin_page
def admin_qa_phrases():
    return render_admin(
        "admin/qa_phrases.html",
        phrases=db.session.scalars(qa_phrases.phrases_query()).all(),
        kinds=PHRASE_KINDS,
        modes=MATCH_MODES,
    )
