"""report runs: reports worked out on the reports queue with progress, their files kept (issue 11 items 6, 7)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 12:10:00.000000

One table, ``report_runs``: what was asked (kind, params, format, branch scope, who), its state and
progress, its lease (``heartbeat_at``, ``attempts``) and the kept file. Scheduled runs (the daily
risk-classification tables) carry a unique ``dedupe_key``.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("format", sa.String(length=4), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("for_day", sa.Date(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("file_path", sa.String(length=300), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=120), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(state = 'done') = (file_path IS NOT NULL)", name=op.f("ck_report_runs_file_when_done")),
        sa.CheckConstraint("format IN ('csv', 'xlsx')", name=op.f("ck_report_runs_format")),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_report_runs_state")),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_report_runs_progress_range")),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"], name=op.f("fk_report_runs_branch_id_branches")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["staff.id"], name=op.f("fk_report_runs_requested_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_runs")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_report_runs_dedupe_key")),
    )
    with op.batch_alter_table("report_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_runs_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index("ix_report_runs_kind_day", ["kind", "for_day"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_runs_requested_by_id"), ["requested_by_id"], unique=False)
        batch_op.create_index("ix_report_runs_state_heartbeat", ["state", "heartbeat_at"], unique=False)


def downgrade():
    with op.batch_alter_table("report_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_report_runs_state_heartbeat")
        batch_op.drop_index(batch_op.f("ix_report_runs_requested_by_id"))
        batch_op.drop_index("ix_report_runs_kind_day")
        batch_op.drop_index(batch_op.f("ix_report_runs_branch_id"))
    op.drop_table("report_runs")
