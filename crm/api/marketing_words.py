"""The marketing words no recommendation, case reply or customer SMS may contain (违规用语): admins keep the list."""

from flask_smorest import Blueprint

from crm.api.schemas.messages import MarketingWordIn, MarketingWordOut
from crm.auth import roles
from crm.extensions import db
from crm.services.org import wording

URL = "marketing-words"
blp = Blueprint("marketing_words", __name__, description="Forbidden marketing words (保证, 稳赚 …)")


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.response(200, MarketingWordOut(many=True))
def list_words():
    """The list, by word: texts containing any of them are refused with 422 ``forbidden_words``."""
    return db.session.scalars(wording.words_query()).all()


@blp.post("")
@roles("admin")
@blp.arguments(MarketingWordIn)
@blp.response(201, MarketingWordOut)
def add_word(data):
    row = wording.add_word(db.session, data["word"])
    db.session.commit()
    return row


@blp.delete("/<int:word_id>")
@roles("admin")
@blp.response(204)
def remove_word(word_id):
    wording.remove_word(db.session, word_id)
    db.session.commit()
