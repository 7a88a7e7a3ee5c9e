"""The QA rules as data (DOMAIN §6): greetings, closings, read-back cues and forbidden phrases.

Admins add, edit and deactivate phrases; the checks read the active ones. ``ensure_default_phrases``
(``kefu load-defaults``) installs DOMAIN §6's: the greetings (您好 and the holiday variants, said with
the job number), the closing, the read-back cues of 跟读确认 and all 18 服务忌语. A phrase without a
match mode gets ``qa_matching.default_mode`` (short ones must be a clause of their own).
"""

from sqlalchemy import select

from crm.errors import Conflict, InvalidInput, NotFound
from crm.models import QaPhrase
from crm.services.quality.qa_matching import default_mode, words_of

GREETINGS = ("您好", "新年好", "劳动节快乐", "中秋节快乐", "国庆节快乐")
CLOSINGS = ("感谢您的来电", "再见")
READBACK_CUES = ("跟您确认一下", "跟您核对一下", "我重复一下", "我跟读一下", "您是说", "您说的是")
FORBIDDEN = (
    *("喂！讲话，你是谁？", "不知道。", "喊什么，不能等一会。", "怎么填的，重新填！"),
    *("没看我正忙着，着什么急。", "我解决不了，你找经理去。", "刚才和你说过了，怎么还问？", "你有完没完？"),
    *("门口有公告栏，自己看去！", "手续不齐，弄清楚了再来！", "这是电脑算的，不信一边自己算去。"),
    *("你问我，我问谁。", "我有什么办法，又不是我让它坏的。", "这是交易所的事，有意见找它去！"),
    *("快点！我要下班了！", "你管不着，就这态度。", "废话！", "讨厌！"),
)
DEFAULTS = {"greeting": GREETINGS, "closing": CLOSINGS, "readback": READBACK_CUES, "forbidden": FORBIDDEN}
SAID_INSIDE_SENTENCES = ("greeting", "closing", "readback")


def phrases_query(kind=None, active=None):
    stmt = select(QaPhrase).order_by(QaPhrase.kind, QaPhrase.id)
    if kind is not None:
        stmt = stmt.where(QaPhrase.kind == kind)
    if active is not None:
        stmt = stmt.where(QaPhrase.is_active.is_(active))
    return stmt


def active_by_kind(session):
    """The active phrases, grouped by kind: what the checks match."""
    grouped = {}
    for phrase in session.scalars(phrases_query(active=True)):
        grouped.setdefault(phrase.kind, []).append(phrase)
    return grouped


def add_phrase(session, kind, text, match_mode=None, is_active=True):
    text = _checked_text(text)
    _refuse_duplicate(session, kind, text)
    phrase = QaPhrase(kind=kind, text=text, match_mode=match_mode or _mode_for(kind, text), is_active=is_active)
    session.add(phrase)
    session.flush()
    return phrase


def update_phrase(session, phrase_id, **changes):
    """Change a phrase's text, match mode or whether it is active; its past flags keep the old text."""
    phrase = session.get(QaPhrase, phrase_id)
    if phrase is None:
        raise NotFound(f"No QA phrase {phrase_id}.")
    if "text" in changes:
        text = _checked_text(changes["text"])
        if text != phrase.text:
            _refuse_duplicate(session, phrase.kind, text)
        phrase.text = text
    for name in ("match_mode", "is_active"):
        if changes.get(name) is not None:
            setattr(phrase, name, changes[name])
    session.flush()
    return phrase


def _mode_for(kind, text):
    """Greetings, closings and cues are looked for inside sentences; a forbidden phrase by its length."""
    return "contains" if kind in SAID_INSIDE_SENTENCES else default_mode(text)


def _checked_text(text):
    text = (text or "").strip()
    if not words_of(text)[0]:
        raise InvalidInput("A phrase needs words, not only punctuation.", {"text": ["Must contain words."]})
    return text


def _refuse_duplicate(session, kind, text):
    if session.scalar(select(QaPhrase.id).where(QaPhrase.kind == kind, QaPhrase.text == text)):
        raise Conflict("This phrase is already a rule of that kind.", {"text": ["Already there."]})


def ensure_default_phrases(session):
    """Install the defaults on an empty list (a new installation); edits stay. Returns how many were added."""
    if session.scalar(select(QaPhrase.id).limit(1)) is not None:
        return 0
    rows = [
        QaPhrase(kind=kind, text=text, match_mode=_mode_for(kind, text), is_active=True)
        for kind, texts in DEFAULTS.items()
        for text in texts
    ]
    session.add_all(rows)
    return len(rows)
