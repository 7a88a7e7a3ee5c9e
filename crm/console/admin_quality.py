"""Admin pages for quality: the callback surveys (their texts changed through the surveys API) and the QA phrases."""

from crm.console.admin import admin_page, render_admin
from crm.console.views import console
from crm.extensions import db
from crm.models.quality import MATCH_MODES, PHRASE_KINDS
from crm.services.quality import qa_phrases
from crm.services.surveys import editing, runs


@console.get("/admin/surveys")
@admin_page
def admin_surveys():
    surveys = runs.all_surveys(db.session)
    return render_admin(
        "admin/surveys.html",
        surveys=surveys,
        placeholders={survey.id: editing.placeholders_of(survey) for survey in surveys},
        languages=editing.LANGUAGES,
        name_max=editing.NAME_MAX,
        text_max=editing.TEXT_MAX,
    )


@console.get("/admin/qa-phrases")
@admin_page
def admin_qa_phrases():
    return render_admin(
        "admin/qa_phrases.html",
        phrases=db.session.scalars(qa_phrases.phrases_query()).all(),
        kinds=PHRASE_KINDS,
        modes=MATCH_MODES,
    )
