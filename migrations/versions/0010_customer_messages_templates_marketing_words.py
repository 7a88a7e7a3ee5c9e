"""customer_messages, sms_templates, marketing_words; customers.sms_opted_out_at, branches.welcome_sms_since

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:16:47.856491

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "marketing_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_words")),
        sa.UniqueConstraint("word", name=op.f("uq_marketing_words_word")),
    )
    op.create_table(
        "sms_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("body", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_templates")),
        sa.UniqueConstraint("key", name=op.f("uq_sms_templates_key")),
    )
    op.create_table(
        "customer_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("template_key", sa.String(length=40), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_sid", sa.String(length=64), nullable=True),
        sa.Column("error_code", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('staff', 'welcome')", name=op.f("ck_customer_messages_kind")),
        sa.CheckConstraint(
            "state IN ('queued', 'sent', 'delivered', 'undelivered', 'failed', 'blocked')",
            name=op.f("ck_customer_messages_state"),
        ),
        sa.ForeignKeyConstraint(["author_id"], ["staff.id"], name=op.f("fk_customer_messages_author_id_staff")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_messages_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_customer_messages_dedupe_key")),
        sa.UniqueConstraint("message_sid", name=op.f("uq_customer_messages_message_sid")),
    )
    with op.batch_alter_table("customer_messages", schema=None) as batch_op:
        batch_op.create_index("ix_customer_messages_customer_created", ["customer_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_customer_messages_queued",
            ["not_before"],
            unique=False,
            postgresql_where=sa.text("state = 'queued'"),
            sqlite_where=sa.text("state = 'queued'"),
        )

    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("welcome_sms_since", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sms_opted_out_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("sms_opted_out_at")

    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.drop_column("welcome_sms_since")

    with op.batch_alter_table("customer_messages", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_customer_messages_queued",
            postgresql_where=sa.text("state = 'queued'"),
            sqlite_where=sa.text("state = 'queued'"),
        )
        batch_op.drop_index("ix_customer_messages_customer_created")

    op.drop_table("customer_messages")
    op.drop_table("sms_templates")
    op.drop_table("marketing_words")
