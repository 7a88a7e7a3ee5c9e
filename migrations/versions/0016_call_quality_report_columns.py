"""calls: offered_at, first_ring_at, talk_seconds and an index on started_at, for the call-quality report
(issue 11 item 6); filled from the calls' events

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 12:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = "0015"
branch_labels = None
depends_on = None

# The event facts, per dialect (JSON access differs); the IVR writes the columns itself from now on.
_DETAIL = {
    "postgresql": "e.detail ->> '{key}'",
    "sqlite": "json_extract(e.detail, '$.{key}')",
}
_BACKFILL = """
UPDATE calls SET
  offered_at = (SELECT min(e.at) FROM call_events e WHERE e.call_id = calls.id AND e.kind = 'menu'
                AND {action} = 'agent'),
  first_ring_at = (SELECT min(e.at) FROM call_events e WHERE e.call_id = calls.id AND e.kind = 'queued'),
  talk_seconds = (SELECT max(CAST(NULLIF({talk}, '') AS INTEGER)) FROM call_events e
                  WHERE e.call_id = calls.id AND e.kind = 'agent_answered')
WHERE direction = 'inbound'
"""


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('first_ring_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('talk_seconds', sa.Integer(), nullable=True))
        batch_op.create_index('ix_calls_started', ['started_at'], unique=False)
    detail = _DETAIL[op.get_bind().dialect.name]
    op.execute(_BACKFILL.format(action=detail.format(key="action"), talk=detail.format(key="talk_seconds")))


def downgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_started')
        batch_op.drop_column('talk_seconds')
        batch_op.drop_column('first_ring_at')
        batch_op.drop_column('offered_at')
