"""quota_targets and work_logs (issue 11 items 1 and 2)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 12:07:41.994872

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quota_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('contact_calls', 'appointments', 'on_site_visits', 'home_visits', 'new_prospects', "
            "'surveys_completed', 'cases_resolved')",
            name=op.f("ck_quota_targets_kind"),
        ),
        sa.CheckConstraint("period IN ('day', 'week', 'month', 'quarter')", name=op.f("ck_quota_targets_period")),
        sa.CheckConstraint(
            "staff_id IS NULL OR branch_id IS NOT NULL", name=op.f("ck_quota_targets_personal_has_branch")
        ),
        sa.CheckConstraint("target > 0", name=op.f("ck_quota_targets_target_positive")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_quota_targets_validity_ordered")
        ),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"], name=op.f("fk_quota_targets_branch_id_branches")),
        sa.ForeignKeyConstraint(["set_by_id"], ["staff.id"], name=op.f("fk_quota_targets_set_by_id_staff")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_quota_targets_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_targets")),
    )
    with op.batch_alter_table("quota_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quota_targets_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index("ix_quota_targets_scope", ["kind", "period", "staff_id", "branch_id"], unique=False)

    op.create_table(
        "work_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('daily', 'weekly')", name=op.f("ck_work_logs_kind")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_work_logs_period_ordered")),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"], name=op.f("fk_work_logs_branch_id_branches")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["staff.id"], name=op.f("fk_work_logs_reviewed_by_id_staff")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_work_logs_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_logs")),
        sa.UniqueConstraint("staff_id", "kind", "period_start", name="uq_work_logs_staff_kind_start"),
    )
    with op.batch_alter_table("work_logs", schema=None) as batch_op:
        batch_op.create_index("ix_work_logs_branch_start", ["branch_id", "period_start"], unique=False)


def downgrade():
    with op.batch_alter_table("work_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_work_logs_branch_start")

    op.drop_table("work_logs")
    with op.batch_alter_table("quota_targets", schema=None) as batch_op:
        batch_op.drop_index("ix_quota_targets_scope")
        batch_op.drop_index(batch_op.f("ix_quota_targets_branch_id"))

    op.drop_table("quota_targets")
