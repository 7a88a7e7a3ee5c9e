"""cases: caller_number, a field of its own for the caller's number, moved out of the IVR's case text

The IVR used to write ``来电号码：<number>（<name>），拨入线路：<line>`` into case bodies and the number
into callback subjects, where no mask reaches. The data step moves the number into ``caller_number``
and removes that line (the caller's name with it) and the number in the subject.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00.000000

"""

import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CALLER_LINE = re.compile(r"^来电号码：(?P<number>[^（\n]*)（[^\n]*\n?", re.MULTILINE)
CALLBACK_SUBJECT = re.compile(r"^客户预约回电\s.*$")

cases = sa.table(
    "cases",
    sa.column("id", sa.Integer),
    sa.column("subject", sa.String),
    sa.column("body", sa.Text),
    sa.column("caller_number", sa.String),
)


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("caller_number", sa.String(length=32), nullable=True))
    move_caller_numbers_out_of_case_text(op.get_bind())


def move_caller_numbers_out_of_case_text(connection):
    rows = connection.execute(
        sa.select(cases.c.id, cases.c.subject, cases.c.body).where(
            cases.c.body.contains("来电号码：") | cases.c.subject.startswith("客户预约回电 ")
        )
    )
    for case_id, subject, body in rows.all():
        found = CALLER_LINE.search(body or "")
        number = found["number"].strip() if found else ""
        cleaned = CALLER_LINE.sub("", body or "").strip()
        connection.execute(
            sa.update(cases)
            .where(cases.c.id == case_id)
            .values(
                body=cleaned or None,
                subject=CALLBACK_SUBJECT.sub("客户预约回电", subject),
                # Twilio's caller ID is E.164; '未知' (no caller ID) and 'anonymous' stay out.
                caller_number=number if number.startswith("+") else None,
            )
        )


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("caller_number")
