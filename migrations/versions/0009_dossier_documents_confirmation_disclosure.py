"""the customer's dossier: documents; assessment confirmation; visit audit; products needing a disclosure

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:40:00.000000

Assessments taken before this revision were in force already: they count as confirmed when taken
(by nobody: the confirmation was not recorded then). Warrants, margin trading and ChiNext products
need a signed risk disclosure from now on (S2 §49); STAR market is a new category that does too.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KINDS = "'signed_questionnaire', 'risk_disclosure', 'id_copy', 'complaint_papers', 'recording_reference'"


def upgrade():
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("content_type", sa.String(length=80), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_documents_kind")),
        sa.CheckConstraint(
            "(sha256 IS NOT NULL AND content_type IS NOT NULL AND size_bytes IS NOT NULL AND reference IS NULL)"
            " OR (sha256 IS NULL AND content_type IS NULL AND size_bytes IS NULL AND reference IS NOT NULL)",
            name=op.f("ck_documents_file_or_reference"),
        ),
        sa.ForeignKeyConstraint(["added_by_id"], ["staff.id"], name=op.f("fk_documents_added_by_id_staff")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_documents_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_documents_customer_id_customers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_documents_customer_kind_added", ["customer_id", "kind", "added_at"], unique=False)

    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmation_document_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmation_call_sid", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_risk_assessments_confirmed_by_id_staff"), "staff", ["confirmed_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_risk_assessments_confirmation_document_id_documents"),
            "documents",
            ["confirmation_document_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            "confirmation_has_evidence",
            "confirmed_at IS NULL OR confirmation_document_id IS NOT NULL OR confirmation_call_sid IS NOT NULL"
            " OR confirmed_by_id IS NULL",
        )
    op.execute("UPDATE risk_assessments SET confirmed_at = taken_at")

    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_entries_visit_id_visits"), "visits", ["visit_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index("ix_audit_entries_visit_at", ["visit_id", "at"], unique=False)

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("needs_disclosure", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE products SET needs_disclosure = true WHERE category IN ('warrant', 'margin', 'chinext', 'star_market')"
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.alter_column("needs_disclosure", server_default=None)


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("needs_disclosure")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_visit_at")
        batch_op.drop_constraint(batch_op.f("fk_audit_entries_visit_id_visits"), type_="foreignkey")
        batch_op.drop_column("visit_id")
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_risk_assessments_confirmation_has_evidence"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_risk_assessments_confirmation_document_id_documents"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_risk_assessments_confirmed_by_id_staff"), type_="foreignkey")
        batch_op.drop_column("confirmation_call_sid")
        batch_op.drop_column("confirmation_document_id")
        batch_op.drop_column("confirmed_by_id")
        batch_op.drop_column("confirmed_at")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_customer_kind_added")
        batch_op.drop_index(batch_op.f("ix_documents_case_id"))
    op.drop_table("documents")
