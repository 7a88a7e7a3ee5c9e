"""Callback surveys (回访) as data, their runs and answers — DOMAIN §7."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

QUESTION_KINDS = ("yes_no", "choice", "score", "voice")
RUN_STATES = ("scheduled", "calling", "in_progress", "completed", "declined", "unreachable", "cancelled")


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    opening: Mapped[str] = mapped_column(Text)
    closing: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")

    questions: Mapped[list["SurveyQuestion"]] = relationship(
        order_by="SurveyQuestion.position", cascade="all, delete-orphan", lazy="selectin"
    )


class SurveyQuestion(db.Model):
    """One question. ``keys`` maps a keypad digit to its meaning; ``reopen_on`` lists the
    answers that reopen and escalate the case (for a score: answers at or below ``reopen_at_or_below``)."""

    __tablename__ = "survey_questions"
    __table_args__ = (
        UniqueConstraint("survey_id", "position", name="uq_survey_questions_survey_position"),
        CheckConstraint(enum_check("kind", QUESTION_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    prompt: Mapped[str] = mapped_column(Text)
    keys: Mapped[dict | None] = mapped_column(JSON)
    reopen_on: Mapped[list | None] = mapped_column(JSON)
    reopen_at_or_below: Mapped[int | None]
    optional: Mapped[bool] = mapped_column(default=False)


class SurveyRun(db.Model):
    """One survey owed to one customer; attempts are dialled until it completes or gives up."""

    __tablename__ = "survey_runs"
    __table_args__ = (
        CheckConstraint(enum_check("state", RUN_STATES), name="state"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_survey_runs_due", "state", "next_attempt_at"),
        # One callback survey per resolution of a case (a reopened and re-resolved case gets another).
        UniqueConstraint("case_id", "case_resolution", name="uq_survey_runs_case_resolution"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    case_resolution: Mapped[int | None]
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    to_number: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(16), default="scheduled")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The customer agreed to be called outside working hours (DOMAIN §7: no night calls otherwise).
    any_time_consent: Mapped[bool] = mapped_column(default=False)
    # Who asked for a visit check (the supervisor who drew it): told of a flagged answer with the branch's.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    call_sid: Mapped[str | None] = mapped_column(String(64))
    last_result: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survey = relationship("Survey", lazy="joined")
    answers: Mapped[list["SurveyAnswer"]] = relationship(order_by="SurveyAnswer.id", lazy="selectin")
    # The customer's branch, whose name and hotline the survey's texts speak (read-only; a webhook step
    # loads it with the run, in the same query).
    branch = relationship(
        "Branch",
        secondary="customers",
        primaryjoin="SurveyRun.customer_id == Customer.id",
        secondaryjoin="Customer.branch_id == Branch.id",
        viewonly=True,
        uselist=False,
    )


class SurveyAnswer(db.Model):
    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("run_id", "question_id", name="uq_survey_answers_run_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("survey_runs.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"))
    value: Mapped[str | None] = mapped_column(String(32))
    recording_url: Mapped[str | None] = mapped_column(String(500))
    transcription: Mapped[str | None] = mapped_column(Text)
    call_sid: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
