"""Phone lines, greeting scripts, calls and their events — DOMAIN §6, issue 5."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

LINES = ("hotline", "wealth_club")
# Where a script is used: the line greetings, the agent's pick-up phrase, the IVR's other prompts.
SCRIPT_PURPOSES = (
    "greeting",
    "agent_pickup",
    "menu",
    "after_hours",
    "waiting",
    "long_wait",
    "closing",
    "complaint",
    "voicemail",
)
DIRECTIONS = ("inbound", "outbound")
OUTCOMES = ("answered", "abandoned", "busy", "no_answer", "failed", "voicemail")
PRESENCE = ("offline", "ready", "busy", "wrap_up")


class PhoneLine(db.Model):
    """A dialled number and the line it belongs to (hotline or wealth club) for a branch."""

    __tablename__ = "phone_lines"
    __table_args__ = (CheckConstraint(enum_check("line", LINES), name="line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    line: Mapped[str] = mapped_column(String(16))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))

    branch = relationship("Branch", lazy="joined")


class Script(db.Model):
    """A scripted phrase (规范用语): text with {branch}/{agent_no}/{hotline}, optional audio.

    A row with ``valid_from``/``valid_to`` is a holiday variant that wins inside its dates.
    """

    __tablename__ = "scripts"
    __table_args__ = (
        CheckConstraint(enum_check("purpose", SCRIPT_PURPOSES), name="purpose"),
        CheckConstraint(f"line IS NULL OR {enum_check('line', LINES)}", name="line"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NOT NULL", name="range_has_start"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="range_ordered"),
        Index("ix_scripts_purpose_line", "purpose", "line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))
    line: Mapped[str | None] = mapped_column(String(16))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    name: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")
    audio_url: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class Call(db.Model):
    """One call leg as Twilio knows it, keyed by its CallSid."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint(enum_check("direction", DIRECTIONS), name="direction"),
        CheckConstraint(f"outcome IS NULL OR {enum_check('outcome', OUTCOMES)}", name="outcome"),
        Index("ix_calls_agent_started", "agent_id", "started_at"),
        Index("ix_calls_customer_started", "customer_id", "started_at"),
        Index("ix_calls_branch_started", "branch_id", "started_at"),
        Index("ix_calls_started", "started_at"),
        # The call-quality report's FCR window reads inbound calls in (customer, start) order from this
        # index alone (the included columns are all it needs), so it sorts nothing.
        Index(
            "ix_calls_inbound_customer",
            "customer_id",
            "started_at",
            postgresql_include=["agent_id", "branch_id", "case_id", "offered_at"],
            postgresql_where=text("direction = 'inbound' AND customer_id IS NOT NULL"),
            sqlite_where=text("direction = 'inbound' AND customer_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(String(64), unique=True)
    parent_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(8))
    from_number: Mapped[str | None] = mapped_column(String(32))
    to_number: Mapped[str | None] = mapped_column(String(32))
    line: Mapped[str | None] = mapped_column(String(16))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    outcome: Mapped[str | None] = mapped_column(String(16))
    menu_choice: Mapped[str | None] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    ringing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queue_wait_seconds: Mapped[int | None]
    duration_seconds: Mapped[int | None]
    # The IVR's hand-over facts the call-quality report reads (DOMAIN §8), copied from the events as they
    # happen: when the caller asked for an agent, when the first agent's phone rang, and the agent leg's
    # talk time as Twilio reports it (DialCallDuration).
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_ring_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    talk_seconds: Mapped[int | None]
    recording_sid: Mapped[str | None] = mapped_column(String(64))
    recording_url: Mapped[str | None] = mapped_column(String(500))
    transcription: Mapped[str | None] = mapped_column(Text)
    # The agent's wrap-up after the call (``crm.services.calls.wrap_up``): what came of it, notes with long
    # numbers masked, when it was saved and the callback it booked; ``case_id``/``visit_id`` link what it opened.
    disposition: Mapped[str | None] = mapped_column(String(16))
    wrap_up_notes: Mapped[str | None] = mapped_column(Text)
    wrapped_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    customer = relationship("Customer", lazy="joined")
    agent = relationship("Staff", lazy="joined")


class CallEvent(db.Model):
    """What happened on a call, step by step. ``dedupe_key`` (CallSid + step) makes a
    retried webhook a no-op."""

    __tablename__ = "call_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict | None] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)


class WebhookReceipt(db.Model):
    """The TwiML answered to one webhook delivery (CallSid + step): a retry gets the same
    answer and changes nothing. Pruned after the retention period (``crm.services.calls.idempotency``)."""

    __tablename__ = "webhook_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    response: Mapped[str] = mapped_column(Text)


class ComplaintCallout(db.Model):
    """A phone call owed to a duty supervisor about a complaint still undispatched after its deadline.

    The row is the debt and ``placed_at``/``call_sid`` pay it: a worker claims the call until
    ``claimed_until`` (a lease) and places it; a claim never confirmed (its job lost with the queue, its
    worker killed) runs out and a later run takes the call again. One row per case and supervisor.
    """

    __tablename__ = "complaint_callouts"
    __table_args__ = (
        UniqueConstraint("case_id", "staff_id", name="uq_complaint_callouts_case_staff"),
        Index(
            "ix_complaint_callouts_owed",
            "owed_at",
            postgresql_where=text("placed_at IS NULL"),
            sqlite_where=text("placed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    owed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)  # claims taken so far
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    placed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    call_sid: Mapped[str | None] = mapped_column(String(64))
