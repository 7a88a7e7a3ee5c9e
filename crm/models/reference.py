"""The version of the reference data (issue 13): one row, a new random number with every change.

Phone lines, scripts, branches and calendar overrides are read on every call; each process keeps
them in memory (``crm.core.reference_cache``) for as long as this number is unchanged. A change
made anywhere — another web process, a worker, the admin console — bumps it in its own transaction,
so the next request of every process reads the new rows (a number seen before never comes back).
"""

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db


class ReferenceVersion(db.Model):
    __tablename__ = "reference_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
