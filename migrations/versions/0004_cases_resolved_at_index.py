"""cases: partial index on resolved_at for the survey dialer's sweep of resolved cases owed a callback survey

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(
            'ix_cases_resolved_at',
            ['resolved_at'],
            unique=False,
            postgresql_where=sa.text('resolved_at IS NOT NULL'),
            sqlite_where=sa.text('resolved_at IS NOT NULL'),
        )


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_resolved_at')
