"""complaint_callouts (the phone calls owed to duty supervisors, with lease and CallSid) and heartbeats

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('complaint_callouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('owed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('call_sid', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_complaint_callouts_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_complaint_callouts_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_callouts')),
    sa.UniqueConstraint('case_id', 'staff_id', name='uq_complaint_callouts_case_staff')
    )
    with op.batch_alter_table('complaint_callouts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_complaint_callouts_owed',
            ['owed_at'],
            unique=False,
            postgresql_where=sa.text('placed_at IS NULL'),
            sqlite_where=sa.text('placed_at IS NULL'),
        )
    # The calls claimed before this revision (an inbox notice "系统已致电您" was their claim) count as placed:
    # ringing them again now, maybe hours later, would be worse than the few a lost queue may have dropped.
    op.execute(
        "INSERT INTO complaint_callouts (case_id, staff_id, owed_at, attempts, placed_at) "
        "SELECT case_id, recipient_id, created_at, 1, created_at FROM notifications "
        "WHERE kind = 'complaint_dispatch_call' AND case_id IS NOT NULL"
    )
    op.create_table('heartbeats',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeats'))
    )


def downgrade():
    op.drop_table('heartbeats')
    with op.batch_alter_table('complaint_callouts', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_callouts_owed')
    op.drop_table('complaint_callouts')
