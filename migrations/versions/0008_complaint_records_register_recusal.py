"""complaints: recusal covers the owner too; complaint records with their numbers; the daily register's sign-offs

The old CHECK ``recusal`` kept the person complained about from handling a complaint only. Cases
they own already go to a supervisor of the branch (on duty first), else to an admin, before the
new CHECK covers owner and handler.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RECUSAL = (
    "complained_staff_id IS NULL OR (owner_id <> complained_staff_id"
    " AND (handler_id IS NULL OR handler_id <> complained_staff_id))"
)
OLD_RECUSAL = "complained_staff_id IS NULL OR handler_id IS NULL OR handler_id <> complained_staff_id"
# The accused's own complaints go to a supervisor of the branch who is not them (on duty first), else an admin.
REOWN = """
UPDATE cases SET owner_id = COALESCE(
    (SELECT s.id FROM staff s WHERE s.branch_id = cases.branch_id AND s.role = 'supervisor' AND s.is_active = TRUE
        AND s.id <> cases.complained_staff_id ORDER BY s.on_duty DESC, s.id LIMIT 1),
    (SELECT s.id FROM staff s WHERE s.role = 'admin' AND s.is_active = TRUE
        AND s.id <> cases.complained_staff_id ORDER BY s.id LIMIT 1))
WHERE owner_id = complained_staff_id
"""


def upgrade():
    op.execute(REOWN)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cases_recusal"), type_="check")
        batch_op.create_check_constraint("recusal_owner_handler", RECUSAL)
    op.create_table(
        "complaint_records",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=48), nullable=False),
        sa.Column("demand", sa.Text(), nullable=True),
        sa.Column("finding", sa.String(length=16), nullable=True),
        sa.Column("finding_reason", sa.Text(), nullable=True),
        sa.Column("responsible", sa.Text(), nullable=True),
        sa.Column("corrective_action", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("result_channel", sa.String(length=16), nullable=True),
        sa.Column("customer_reaction", sa.Text(), nullable=True),
        sa.Column("evaluation", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "finding IS NULL OR finding IN ('founded', 'partly_founded', 'unfounded')",
            name=op.f("ck_complaint_records_finding"),
        ),
        sa.CheckConstraint(
            "result_channel IS NULL OR result_channel IN ('phone', 'on_site', 'email', 'letter', 'sms')",
            name=op.f("ck_complaint_records_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_complaint_records_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff.id"], name=op.f("fk_complaint_records_updated_by_id_staff")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_complaint_records")),
        sa.UniqueConstraint("number", name=op.f("uq_complaint_records_number")),
    )
    op.create_table(
        "complaint_serials",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=6), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"], name=op.f("fk_complaint_serials_branch_id_branches")),
        sa.PrimaryKeyConstraint("branch_id", "month", name=op.f("pk_complaint_serials")),
    )
    op.create_table(
        "complaint_register_signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_complaint_register_signoffs_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["staff.id"], name=op.f("fk_complaint_register_signoffs_signed_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_register_signoffs")),
        sa.UniqueConstraint("branch_id", "day", name="uq_complaint_register_signoffs_branch_day"),
    )


def downgrade():
    op.drop_table("complaint_register_signoffs")
    op.drop_table("complaint_serials")
    op.drop_table("complaint_records")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cases_recusal_owner_handler"), type_="check")
        batch_op.create_check_constraint("recusal", OLD_RECUSAL)
