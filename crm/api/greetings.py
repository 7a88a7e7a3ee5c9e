"""Which greeting plays on a line at a given instant (DOMAIN §6), for admins checking holiday variants."""

from flask_smorest import Blueprint

from crm.api.schemas.scripts import PreviewOut, PreviewQuery
from crm.auth import roles
from crm.extensions import db
from crm.services.calls import greetings

URL = "greetings"
blp = Blueprint("greetings", __name__, description="Greeting preview")


@blp.get("/preview")
@roles("agent", "supervisor", "admin")
@blp.arguments(PreviewQuery, location="query")
@blp.response(200, PreviewOut)
def preview(args):
    """``?line=hotline&at=2026-10-01T10:00:00+08:00`` → the text and recording a caller hears then."""
    phrase, branch = greetings.preview(db.session, args["line"], args["at"])
    return {
        "line": args["line"],
        "at": args["at"],
        "local_date": greetings.local_date(db.session, args["at"]),
        "branch": branch.name if branch else None,
        "script_id": phrase.script_id,
        "text": phrase.text,
        "audio_url": phrase.audio_url,
        "plays": "audio" if phrase.audio_url else "text",
        "holiday": phrase.holiday,
    }
