"""QA checks of agent calls (issue 11 item 5): the phrases admins keep, the results supervisors review.

Agents see their own results, supervisors their branch's, admins all; only supervisors and admins
review a flag, once (409 after).
"""

from flask_smorest import Blueprint

from crm.api.common import PageArgs, page_schema, paginate
from crm.api.schemas.qa import (
    FlagOut,
    FlagReviewIn,
    PhraseIn,
    PhraseOut,
    PhrasePatch,
    PhraseQuery,
    ResultDetail,
    ResultOut,
    ResultQuery,
)
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.quality import qa_checks, qa_phrases

URL = "qa"
blp = Blueprint("qa", __name__, description="QA checks of calls: phrases, results, flag review (质检)")

ANYONE = ("agent", "supervisor", "admin")
REVIEWERS = ("supervisor", "admin")


@blp.get("/phrases")
@roles(*ANYONE)
@blp.arguments(PhraseQuery, location="query")
@blp.response(200, PhraseOut(many=True))
def list_phrases(args):
    """The rules: greetings, closings, read-back cues and forbidden phrases, with how each is matched."""
    return db.session.scalars(qa_phrases.phrases_query(args.get("kind"), args.get("active"))).all()


@blp.post("/phrases")
@roles("admin")
@blp.arguments(PhraseIn)
@blp.response(201, PhraseOut)
def add_phrase(data):
    """Add a phrase (409 when the same text is already a rule of that kind)."""
    phrase = qa_phrases.add_phrase(db.session, **data)
    db.session.commit()
    return phrase


@blp.patch("/phrases/<int:phrase_id>")
@roles("admin")
@blp.arguments(PhrasePatch)
@blp.response(200, PhraseOut)
def edit_phrase(data, phrase_id):
    """Change the text or match mode, or deactivate (``is_active: false``); past flags keep their text."""
    phrase = qa_phrases.update_phrase(db.session, phrase_id, **data)
    db.session.commit()
    return phrase


class ResultListArgs(ResultQuery, PageArgs):
    pass


@blp.get("/results")
@roles(*ANYONE)
@blp.arguments(ResultListArgs, location="query")
@blp.response(200, page_schema(ResultOut, "QaResultPage"))
def list_results(args):
    """Checked calls in scope, newest first; filter by agent, passed, state and the call's start."""
    filters = {name: args.get(name) for name in ("agent_id", "passed", "state", "start", "end")}
    return paginate(qa_checks.results_query(current_staff(), **filters), args)


@blp.get("/results/<int:result_id>")
@roles(*ANYONE)
@blp.response(200, ResultDetail)
def get_result(result_id):
    """One result with its flags and the call's transcript."""
    return qa_checks.get_result(db.session, current_staff(), result_id)


@blp.post("/flags/<int:flag_id>/review")
@roles(*REVIEWERS)
@blp.arguments(FlagReviewIn)
@blp.response(200, FlagOut)
def review_flag(data, flag_id):
    """Confirm or dismiss a flag with a comment, once (409 after). A call passes when every flag is dismissed."""
    flag = qa_checks.review_flag(db.session, current_staff(), flag_id, data["decision"], data["comment"])
    db.session.commit()
    return flag
