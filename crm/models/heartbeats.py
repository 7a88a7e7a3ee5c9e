"""Heartbeats of the background processes, kept in the database so /healthz reads them when Redis is down."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.models.types import UTCDateTime


class Heartbeat(db.Model):
    """The last time a named process (``scheduler``) showed it was working."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
