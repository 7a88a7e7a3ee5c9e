"""Customers, their phone numbers and risk assessments — DOMAIN §2–§3."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Numeric, String, select
from sqlalchemy.orm import Mapped, aliased, column_property, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

STATUSES = ("prospect", "active", "closed")
CLASSES = ("A+", "B+", "A", "B", "C", "D", "C-", "D-", "E", "F", "G")
BANDS = ("very_low", "low", "medium", "high")
CHANNELS = ("phone", "on_site", "home_visit", "online", "sms", "email")
TRADING_HABITS = ("short_term", "swing", "value")
VALUE_SEGMENTS = ("gold", "rising_star", "maintenance", "free")
DECISION_STYLES = ("risk_averse", "dependent", "independent", "autonomous")
# Labels a manager sets by hand; each change is audited (DOMAIN §2).
LABEL_FIELDS = ("risk_tolerance", "trading_habit", "value_segment", "decision_style")


def _nullable_enum(column, values):
    return CheckConstraint(f"{column} IS NULL OR {enum_check(column, values)}", name=column)


class Customer(db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint(enum_check("customer_class", CLASSES), name="customer_class"),
        CheckConstraint("assets >= 0", name="assets_not_negative"),
        CheckConstraint("turnover_rate >= 0", name="turnover_not_negative"),
        _nullable_enum("risk_tolerance", BANDS),
        _nullable_enum("preferred_channel", CHANNELS),
        _nullable_enum("trading_habit", TRADING_HABITS),
        _nullable_enum("value_segment", VALUE_SEGMENTS),
        _nullable_enum("decision_style", DECISION_STYLES),
        Index("ix_customers_branch_manager", "branch_id", "manager_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The brokerage account number (资金账号); the natural key for imports. Prospects may lack it.
    account_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    id_number: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    assets: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=0)
    turnover_rate: Mapped[Decimal] = mapped_column(Numeric(10, 4), default=0)
    last_trade_on: Mapped[date | None] = mapped_column(Date)
    customer_class: Mapped[str] = mapped_column(String(2), index=True)
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    birthday: Mapped[date | None] = mapped_column(Date)
    is_vip: Mapped[bool] = mapped_column(default=False)
    vip_since: Mapped[date | None] = mapped_column(Date)
    risk_tolerance: Mapped[str | None] = mapped_column(String(16))
    trading_habit: Mapped[str | None] = mapped_column(String(16))
    value_segment: Mapped[str | None] = mapped_column(String(16))
    decision_style: Mapped[str | None] = mapped_column(String(16))
    # Set when the customer replied "TD"/"退订" (or staff recorded their wish): no SMS goes to them.
    sms_opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language of the text messages sent to the customer (zh or en).
    language: Mapped[str] = mapped_column(String(8), default="zh", server_default="zh")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    phones: Mapped[list["CustomerPhone"]] = relationship(
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="CustomerPhone.id",
        lazy="selectin",
    )
    manager = relationship("Staff", lazy="joined")
    branch = relationship("Branch", lazy="joined")


class CustomerPhone(db.Model):
    """One phone number in E.164; the screen-pop lookup reads this table by its index."""

    __tablename__ = "customer_phones"
    __table_args__ = (db.UniqueConstraint("customer_id", "e164", name="uq_customer_phones_customer_e164"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    e164: Mapped[str] = mapped_column(String(20), index=True)
    label: Mapped[str] = mapped_column(String(16), default="mobile")

    customer: Mapped[Customer] = relationship(back_populates="phones")


class RiskAssessment(db.Model):
    """One completed questionnaire (DOMAIN §3). The latest confirmed one is the customer's tolerance."""

    __tablename__ = "risk_assessments"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 60", name="score_range"),
        CheckConstraint(enum_check("band", BANDS), name="band"),
        Index("ix_risk_assessments_customer_taken", "customer_id", "taken_at"),
        CheckConstraint(
            "confirmed_at IS NULL OR confirmation_document_id IS NOT NULL OR confirmation_call_sid IS NOT NULL"
            " OR confirmed_by_id IS NULL",
            name="confirmation_has_evidence",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    answers: Mapped[dict] = mapped_column(JSON)
    score: Mapped[int]
    band: Mapped[str] = mapped_column(String(16))
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # The customer's confirmation (DOMAIN §3): until then the assessment is pending and its band is not
    # their tolerance. It rests on the signed form (a document) or the recorded call they confirmed on.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    confirmation_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    confirmation_call_sid: Mapped[str | None] = mapped_column(String(64))

    taken_by = relationship("Staff", lazy="joined", foreign_keys=[taken_by_id])


def _pending_assessment():
    """True when the customer has an assessment not yet confirmed and newer than every confirmed one."""
    pending, confirmed = aliased(RiskAssessment), aliased(RiskAssessment)
    newer_confirmed = (
        select(confirmed.id)
        .where(
            confirmed.customer_id == pending.customer_id,
            confirmed.confirmed_at.is_not(None),
            confirmed.taken_at >= pending.taken_at,
        )
        .exists()
    )
    return (
        select(pending.id)
        .where(pending.customer_id == Customer.id, pending.confirmed_at.is_(None), ~newer_confirmed)
        .exists()
    )


Customer.risk_assessment_pending = column_property(_pending_assessment())
