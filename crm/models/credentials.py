"""Sign-in credentials kept on the server: console sessions and API tokens — DOMAIN §1.

The browser's cookie and the API client's bearer token each carry a random secret; only its sha256
is stored here, so revoking a row (sign-out, deactivation, an explicit revoke) ends it wherever a
copy of the secret went. Every credential expires.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.staff import Staff
from crm.models.types import UTCDateTime, enum_check

KINDS = ("session", "api")


class Credential(db.Model):
    __tablename__ = "credentials"
    __table_args__ = (CheckConstraint(enum_check("kind", KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What the holder calls an API token ("reporting script"); sessions have none.
    label: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    staff: Mapped[Staff] = relationship()
