"""The call log (issue 5 §4): agents see their own calls, supervisors their branch's, admins all."""

from flask_smorest import Blueprint

from crm.api.common import PageArgs, page_schema, paginate
from crm.api.schemas.calls import CallDetail, CallOut, CallQuery, LinkIn
from crm.api.schemas.qa import UtteranceOut
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.calls import call_log, transcripts

URL = "calls"
blp = Blueprint("calls", __name__, description="Call log: every call with its outcome and events")

ANYONE = ("agent", "supervisor", "admin")


class CallListArgs(CallQuery, PageArgs):
    pass


@blp.get("")
@roles(*ANYONE)
@blp.arguments(CallListArgs, location="query")
@blp.response(200, page_schema(CallOut, "CallPage"))
def list_calls(args):
    """Calls in scope, newest first; filter by agent, customer, direction, outcome and ``from``/``to``."""
    filters = {name: args.get(name) for name in ("agent_id", "customer_id", "direction", "outcome", "start", "end")}
    viewer = current_staff()
    page = paginate(call_log.calls_query(viewer, **filters), args)
    return {**page, "items": [call_log.call_view(call, viewer) for call in page["items"]]}


@blp.get("/<int:call_id>")
@roles(*ANYONE)
@blp.response(200, CallDetail)
def get_call(call_id):
    """One call with its events, step by step."""
    viewer = current_staff()
    call = call_log.get_call(db.session, viewer, call_id)
    return {**call_log.call_view(call, viewer), "events": list(call_log.events(db.session, call))}


@blp.get("/<int:call_id>/transcript")
@roles(*ANYONE)
@blp.response(200, UtteranceOut(many=True))
def get_transcript(call_id):
    """What was said on the call, utterance by utterance (real-time transcription), in order."""
    call = call_log.get_call(db.session, current_staff(), call_id)
    return transcripts.utterances(db.session, call.id)


@blp.post("/<int:call_id>/link")
@roles(*ANYONE)
@blp.arguments(LinkIn)
@blp.response(200, CallOut)
def link_call(data, call_id):
    """Attach the call to a case and/or a visit you may see (``{"case_id": …}`` or ``{"visit_id": …}``)."""
    viewer = current_staff()
    call = call_log.link(db.session, viewer, call_log.get_call(db.session, viewer, call_id), **data)
    db.session.commit()
    return call_log.call_view(call, viewer)
