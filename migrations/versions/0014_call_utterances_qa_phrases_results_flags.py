"""call_utterances, qa_phrases, qa_results, qa_flags: transcripts of agent calls and their QA checks (issue 11 item 5)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 12:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "call_utterances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("spoken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offset_seconds", sa.Integer(), nullable=False),
        sa.CheckConstraint("speaker IN ('agent', 'customer')", name=op.f("ck_call_utterances_speaker")),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_call_utterances_call_id_calls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_utterances")),
        sa.UniqueConstraint("call_id", "sequence", name="uq_call_utterances_call_sequence"),
    )
    op.create_table(
        "qa_phrases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("match_mode", sa.String(length=16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('greeting', 'closing', 'readback', 'forbidden')", name=op.f("ck_qa_phrases_kind")),
        sa.CheckConstraint("match_mode IN ('clause', 'contains')", name=op.f("ck_qa_phrases_match_mode")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_phrases")),
        sa.UniqueConstraint("kind", "text", name="uq_qa_phrases_kind_text"),
    )
    op.create_table(
        "qa_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("utterances_checked", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("basis IN ('transcript', 'notes')", name=op.f("ck_qa_results_basis")),
        sa.CheckConstraint("state IN ('clean', 'open', 'reviewed')", name=op.f("ck_qa_results_state")),
        sa.ForeignKeyConstraint(["agent_id"], ["staff.id"], name=op.f("fk_qa_results_agent_id_staff")),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"], name=op.f("fk_qa_results_branch_id_branches")),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_qa_results_call_id_calls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_results")),
        sa.UniqueConstraint("call_id", name=op.f("uq_qa_results_call_id")),
    )
    op.create_index("ix_qa_results_branch_agent", "qa_results", ["branch_id", "agent_id"], unique=False)
    op.create_table(
        "qa_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("phrase_id", sa.Integer(), nullable=True),
        sa.Column("phrase", sa.String(length=200), nullable=True),
        sa.Column("matched", sa.String(length=200), nullable=True),
        sa.Column("utterance_sequence", sa.Integer(), nullable=True),
        sa.Column("offset_seconds", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "rule IN ('greeting_missing', 'greeting_without_job_no', 'greeting_wrong_job_no', "
            "'closing_missing', 'readback_missing', 'forbidden_phrase')",
            name=op.f("ck_qa_flags_rule"),
        ),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('confirmed', 'dismissed')", name=op.f("ck_qa_flags_decision")
        ),
        sa.ForeignKeyConstraint(
            ["phrase_id"], ["qa_phrases.id"], name=op.f("fk_qa_flags_phrase_id_qa_phrases"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["result_id"], ["qa_results.id"], name=op.f("fk_qa_flags_result_id_qa_results"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["staff.id"], name=op.f("fk_qa_flags_reviewed_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_flags")),
    )
    op.create_index(op.f("ix_qa_flags_result_id"), "qa_flags", ["result_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_qa_flags_result_id"), table_name="qa_flags")
    op.drop_table("qa_flags")
    op.drop_index("ix_qa_results_branch_agent", table_name="qa_results")
    op.drop_table("qa_results")
    op.drop_table("qa_phrases")
    op.drop_table("call_utterances")
