"""Browser softphone: Voice access tokens, own presence, and the branch's presence board."""

from flask import current_app
from flask_smorest import Blueprint

from crm.api.schemas.softphone import PresenceBoardArgs, PresenceIn, PresenceOut, VoiceTokenOut
from crm.auth import current_staff, roles
from crm.errors import Forbidden, InvalidInput
from crm.extensions import db
from crm.services.calls import presence
from telephony.softphone import voice_token

URL = "softphone"
blp = Blueprint("softphone", __name__, description="Browser softphone: tokens and agent presence")


@blp.post("/token")
@roles("agent", "supervisor")
@blp.response(200, VoiceTokenOut)
def token():
    """A Twilio Voice access token for the signed-in agent's softphone (identity ``agent-<job no>``)."""
    return voice_token(current_app, current_staff())


@blp.put("/presence")
@roles("agent", "supervisor")
@blp.arguments(PresenceIn)
@blp.response(200, PresenceOut)
def set_presence(data):
    """Set your own presence: offline, ready (calls are routed to you), busy or wrap_up."""
    staff = presence.set_presence(db.session, current_staff(), data["presence"])
    db.session.commit()
    return staff


@blp.get("/agents")
@roles("supervisor", "admin")
@blp.arguments(PresenceBoardArgs, location="query")
@blp.response(200, PresenceOut(many=True))
def agents(args):
    """The presence board of a branch: supervisors see their own branch, admins name one."""
    viewer = current_staff()
    branch_id = args.get("branch_id") or viewer.branch_id
    if branch_id is None:
        raise InvalidInput("Name a branch.", {"branch_id": ["Required for admins."]})
    if viewer.role != "admin" and branch_id != viewer.branch_id:
        raise Forbidden("Supervisors see the presence board of their own branch.")
    return presence.presence_board(db.session, branch_id)
