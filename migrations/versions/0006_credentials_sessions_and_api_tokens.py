"""credentials: server-side console sessions and several expiring API tokens per staff member,
replacing staff.api_token_hash (existing tokens carried over, expiring 30 days after the upgrade)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:30:00.000000

"""
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

CARRIED_TOKEN_DAYS = 30


def upgrade():
    credentials = op.create_table('credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('session', 'api')", name=op.f('ck_credentials_kind')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_credentials_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credentials')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_credentials_secret_hash'))
    )
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credentials_staff_id'), ['staff_id'], unique=False)

    _carry_tokens_over(credentials)
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_staff_api_token_hash'), type_='unique')
        batch_op.drop_column('api_token_hash')


def _carry_tokens_over(credentials):
    """Active staff keep their one token as an API credential; inactive staff's tokens end here."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, api_token_hash FROM staff WHERE api_token_hash IS NOT NULL AND is_active"
    )).all()
    now = datetime.now(UTC)
    # SQLite stores naive UTC (crm.models.types.UTCDateTime); PostgreSQL takes the aware value.
    stamp = (lambda at: at.replace(tzinfo=None)) if bind.dialect.name == 'sqlite' else (lambda at: at)
    op.bulk_insert(credentials, [
        {'staff_id': staff_id, 'kind': 'api', 'secret_hash': token_hash, 'label': 'token before 0006',
         'created_at': stamp(now), 'expires_at': stamp(now + timedelta(days=CARRIED_TOKEN_DAYS))}
        for staff_id, token_hash in rows
    ])


def downgrade():
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_staff_api_token_hash'), ['api_token_hash'])
    # Each staff member gets back their newest unrevoked API token; sessions and other tokens end.
    op.execute(sa.text(
        "UPDATE staff SET api_token_hash = (SELECT c.secret_hash FROM credentials c"
        " WHERE c.staff_id = staff.id AND c.kind = 'api' AND c.revoked_at IS NULL"
        " ORDER BY c.created_at DESC, c.id DESC LIMIT 1)"
    ))
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credentials_staff_id'))
    op.drop_table('credentials')
