"""spot checks, customer dates, contact cadences; notifications.customer_id, survey_runs.requested_by_id

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 12:08:40.649780

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_cadences",
        sa.Column("customer_class", sa.String(length=2), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "customer_class IN ('A+', 'B+', 'A', 'B', 'C', 'D', 'C-', 'D-', 'E', 'F', 'G')",
            name=op.f("ck_contact_cadences_customer_class"),
        ),
        sa.CheckConstraint("days BETWEEN 1 AND 3660", name=op.f("ck_contact_cadences_days_range")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff.id"], name=op.f("fk_contact_cadences_updated_by_id_staff")),
        sa.PrimaryKeyConstraint("customer_class", name=op.f("pk_contact_cadences")),
    )
    op.create_table(
        "spot_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("candidate_ids", sa.JSON(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("k >= 1", name=op.f("ck_spot_checks_k_positive")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_spot_checks_period_order")),
        sa.CheckConstraint("seed >= 0", name=op.f("ck_spot_checks_seed_not_negative")),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"], name=op.f("fk_spot_checks_branch_id_branches")),
        sa.ForeignKeyConstraint(["drawn_by_id"], ["staff.id"], name=op.f("fk_spot_checks_drawn_by_id_staff")),
        sa.ForeignKeyConstraint(["manager_id"], ["staff.id"], name=op.f("fk_spot_checks_manager_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_checks")),
    )
    with op.batch_alter_table("spot_checks", schema=None) as batch_op:
        batch_op.create_index("ix_spot_checks_branch_drawn", ["branch_id", "drawn_at"], unique=False)

    op.create_table(
        "customer_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("yearly", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('account_anniversary', 'wedding_anniversary', 'family_birthday', 'other')",
            name=op.f("ck_customer_dates_kind"),
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff.id"], name=op.f("fk_customer_dates_created_by_id_staff")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_dates_customer_id_customers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_dates")),
    )
    with op.batch_alter_table("customer_dates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_dates_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "spot_check_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spot_check_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("survey_run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["spot_check_id"],
            ["spot_checks.id"],
            name=op.f("fk_spot_check_visits_spot_check_id_spot_checks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_run_id"], ["survey_runs.id"], name=op.f("fk_spot_check_visits_survey_run_id_survey_runs")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_spot_check_visits_visit_id_visits"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_check_visits")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_spot_check_visits_visit_id")),
    )
    with op.batch_alter_table("spot_check_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spot_check_visits_spot_check_id"), ["spot_check_id"], unique=False)

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notifications_customer_id_customers"),
            "customers",
            ["customer_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("survey_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_runs_requested_by_id_staff"), "staff", ["requested_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("survey_runs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_survey_runs_requested_by_id_staff"), type_="foreignkey")
        batch_op.drop_column("requested_by_id")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notifications_customer_id_customers"), type_="foreignkey")
        batch_op.drop_column("customer_id")

    with op.batch_alter_table("spot_check_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spot_check_visits_spot_check_id"))

    op.drop_table("spot_check_visits")
    with op.batch_alter_table("customer_dates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_dates_customer_id"))

    op.drop_table("customer_dates")
    with op.batch_alter_table("spot_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_spot_checks_branch_drawn")

    op.drop_table("spot_checks")
    op.drop_table("contact_cadences")
