"""calls: a covering index of inbound calls by (customer, start) for the call-quality report's FCR window;
cases: an index by (kind, opened_at) for its complaints (issue 11, Speed)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 13:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_INBOUND_OF_A_CUSTOMER = "direction = 'inbound' AND customer_id IS NOT NULL"


def upgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calls_inbound_customer",
            ["customer_id", "started_at"],
            unique=False,
            postgresql_include=["agent_id", "branch_id", "case_id", "offered_at"],
            postgresql_where=sa.text(_INBOUND_OF_A_CUSTOMER),
            sqlite_where=sa.text(_INBOUND_OF_A_CUSTOMER),
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_kind_opened", ["kind", "opened_at"], unique=False)


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_kind_opened")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_inbound_customer")
