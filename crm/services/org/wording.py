"""The marketing words no text to a customer may carry (issue 10 item 8; seeds: 违规使用安全、保证、承诺、
保险、有保障、高收益、无风险等可能使投资人误认风险程度的词语).

One checker, ``refuse_marketing_words``, called by every service that records or sends such text:
recommendations, case replies, customer SMS and their templates. The list is data admins edit;
``ensure_default_words`` installs the defaults (``kefu load-defaults``).
"""

from sqlalchemy import select

from crm.errors import Conflict, InvalidInput, NotFound
from crm.models import MarketingWord

# "安全" and "保险" are in the seeds' list too, but they also name ordinary things (账户安全, 保险产品):
# admins add them where their texts allow it.
DEFAULT_WORDS = ("保证", "承诺收益", "保本保息", "有保障", "高收益", "无风险", "零风险", "稳赚", "稳赚不赔", "包赚")


def words_query():
    return select(MarketingWord).order_by(MarketingWord.word)


def words(session):
    return session.scalars(select(MarketingWord.word).order_by(MarketingWord.word)).all()


def found_in(session, text):
    """The forbidden words ``text`` contains, in list order (case-insensitive for Latin letters)."""
    folded = (text or "").casefold()
    return [word for word in words(session) if word.casefold() in folded]


def refuse_marketing_words(session, **texts):
    """Raise ``InvalidInput`` (422) naming the forbidden words found in any of ``texts`` (field → text)."""
    hits = {field: found_in(session, text) for field, text in texts.items()}
    hits = {field: found for field, found in hits.items() if found}
    if hits:
        named = "、".join(dict.fromkeys(word for found in hits.values() for word in found))
        raise InvalidInput(
            f"The text contains forbidden marketing words: {named}.",
            {field: [f"Forbidden marketing words: {'、'.join(found)}."] for field, found in hits.items()},
            code="forbidden_words",
        )


def add_word(session, word):
    word = word.strip()
    if not word:
        raise InvalidInput("A word is required.", {"word": ["Must not be blank."]})
    if session.scalar(select(MarketingWord.id).where(MarketingWord.word == word)):
        raise Conflict(f"{word} is already on the list.", {"word": ["Already on the list."]})
    row = MarketingWord(word=word)
    session.add(row)
    return row


def remove_word(session, word_id):
    row = session.get(MarketingWord, word_id)
    if row is None:
        raise NotFound(f"No marketing word {word_id}.")
    session.delete(row)


def ensure_default_words(session):
    """Install the default words on an empty list (a new installation); an edited list stays as the admins
    left it. Returns how many were added."""
    if words(session):
        return 0
    session.add_all(MarketingWord(word=word) for word in DEFAULT_WORDS)
    return len(DEFAULT_WORDS)
