"""Call transcripts and QA checks on agent calls — DOMAIN §6, §8, issue 11 item 5.

``CallUtterance``: one final utterance of a call's real-time transcription, keyed by (call, sequence)
so a redelivered transcription event changes nothing. ``QaPhrase``: the rules as data (greetings,
closings, read-back cues, forbidden phrases) with how each is matched. ``QaResult``: one per checked
call; ``QaFlag``: what the check found, each reviewed once (confirmed or dismissed).
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

SPEAKERS = ("agent", "customer")
PHRASE_KINDS = ("greeting", "closing", "readback", "forbidden")
# clause: the phrase must make up a whole clause or utterance (short phrases: 「不知道。」);
# contains: the phrase may sit inside a longer sentence.
MATCH_MODES = ("clause", "contains")
RULES = (
    "greeting_missing",
    "greeting_without_job_no",
    "greeting_wrong_job_no",
    "closing_missing",
    "readback_missing",
    "forbidden_phrase",
)
# What a result was checked on: the call's transcript, or (lacking one) the agent's notes.
BASES = ("transcript", "notes")
# clean: no flag; open: a flag awaits review; reviewed: every flag confirmed or dismissed.
RESULT_STATES = ("clean", "open", "reviewed")
DECISIONS = ("confirmed", "dismissed")


class CallUtterance(db.Model):
    """A final utterance of a call's transcript: who spoke, what, and when (seconds from the answer)."""

    __tablename__ = "call_utterances"
    __table_args__ = (
        UniqueConstraint("call_id", "sequence", name="uq_call_utterances_call_sequence"),
        CheckConstraint(enum_check("speaker", SPEAKERS), name="speaker"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    sequence: Mapped[int]
    speaker: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    spoken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    offset_seconds: Mapped[int]


class QaPhrase(db.Model):
    """A QA rule's phrase (规范用语 or 服务忌语), edited by admins; inactive phrases are not checked."""

    __tablename__ = "qa_phrases"
    __table_args__ = (
        UniqueConstraint("kind", "text", name="uq_qa_phrases_kind_text"),
        CheckConstraint(enum_check("kind", PHRASE_KINDS), name="kind"),
        CheckConstraint(enum_check("match_mode", MATCH_MODES), name="match_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(200))
    match_mode: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class QaResult(db.Model):
    """The QA check of one agent call: passed when it has no flag, or every flag was dismissed."""

    __tablename__ = "qa_results"
    __table_args__ = (
        CheckConstraint(enum_check("basis", BASES), name="basis"),
        CheckConstraint(enum_check("state", RESULT_STATES), name="state"),
        Index("ix_qa_results_branch_agent", "branch_id", "agent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    basis: Mapped[str] = mapped_column(String(16))
    utterances_checked: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(String(16))
    passed: Mapped[bool]
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    call = relationship("Call", lazy="joined")
    agent = relationship("Staff", lazy="joined")
    flags = relationship("QaFlag", order_by="QaFlag.id", cascade="all, delete-orphan", back_populates="result")
    # The call's transcript, read with the result (the reviewer's view).
    transcript = relationship(
        "CallUtterance",
        primaryjoin="QaResult.call_id == foreign(CallUtterance.call_id)",
        order_by="CallUtterance.sequence",
        viewonly=True,
    )


class QaFlag(db.Model):
    """One finding: the rule, the phrase, the words matched and when in the call; reviewed once."""

    __tablename__ = "qa_flags"
    __table_args__ = (
        CheckConstraint(enum_check("rule", RULES), name="rule"),
        CheckConstraint(f"decision IS NULL OR {enum_check('decision', DECISIONS)}", name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("qa_results.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(32))
    phrase_id: Mapped[int | None] = mapped_column(ForeignKey("qa_phrases.id", ondelete="SET NULL"))
    phrase: Mapped[str | None] = mapped_column(String(200))
    matched: Mapped[str | None] = mapped_column(String(200))
    utterance_sequence: Mapped[int | None]
    offset_seconds: Mapped[int | None]
    decision: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    result = relationship("QaResult", back_populates="flags")
