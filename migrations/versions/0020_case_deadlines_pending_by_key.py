"""ix_case_deadlines_pending on (next_action_at, id): the sweep pages its queue by that key (issue 13)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 16:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

PENDING = sa.text("met_at IS NULL AND next_action_at IS NOT NULL")


def _create(columns):
    op.create_index(
        "ix_case_deadlines_pending",
        "case_deadlines",
        columns,
        unique=False,
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def upgrade():
    op.drop_index("ix_case_deadlines_pending", table_name="case_deadlines")
    _create(["next_action_at", "id"])


def downgrade():
    op.drop_index("ix_case_deadlines_pending", table_name="case_deadlines")
    _create(["next_action_at"])
