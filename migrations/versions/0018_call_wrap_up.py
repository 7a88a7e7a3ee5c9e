"""calls: the agent's wrap-up (disposition, notes, when, a booked callback) — issue 12, the desk's wrap-up

The call's ``case_id`` and ``visit_id`` (already there) link what the wrap-up created.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 15:05:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disposition", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("wrap_up_notes", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("wrapped_up_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("callback_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("callback_at")
        batch_op.drop_column("wrapped_up_at")
        batch_op.drop_column("wrap_up_notes")
        batch_op.drop_column("disposition")
