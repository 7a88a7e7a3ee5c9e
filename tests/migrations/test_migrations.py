"""The schema comes only from the Alembic revisions: they build it from empty, match the models, and go down again."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from crm.extensions import db as _db


def test_migrated_schema_matches_the_models(app, db):
    with _db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, _db.metadata) if not _is_sequence_noise(d)]
    assert differences == []


def _is_sequence_noise(diff):
    return isinstance(diff, tuple) and diff[0] in ("remove_table",) and diff[1].name == "alembic_version"


def test_fresh_database_has_the_default_deadline_policies(db):
    count = _db.session.scalar(sa.text("SELECT count(*) FROM deadline_policies"))
    assert count == 16


@pytest.mark.parametrize("target", ["base"])
def test_migrations_go_down_to_empty_and_up_again(app, db, target):
    downgrade(revision=target)
    assert "customers" not in sa.inspect(_db.engine).get_table_names()
    upgrade()
    assert {"customers", "cases", "case_deadlines"} <= set(sa.inspect(_db.engine).get_table_names())


def test_revision_0005_moves_the_callers_number_out_of_case_text(app, db, make, clock):
    owner = make.staff(role="supervisor", branch=make.branch())
    branch_id, owner_id = owner.branch_id, owner.id
    # No transaction left open: its locks would stall the ALTER TABLEs of the revisions going down.
    _db.session.commit()
    downgrade(revision="0004")
    insert = sa.text(
        "INSERT INTO cases (kind, branch_id, channel, subject, body, priority, status, is_vip, owner_id, opened_at,"
        " reopened_count, overdue) VALUES ('inquiry', :branch, 'ivr', :subject, :body, 'normal', 'new', false,"
        " :owner, :at, 0, false)"
    )
    old_texts = [
        ("客户预约回电 +8613800138000", "来电号码：+8613800138000（王小明），拨入线路：+862150508888"),
        ("来电留言（坐席忙）", "来电号码：未知（未识别来电），拨入线路：+862150508888\n留言录音：https://rec/RE1"),
        ("咨询", "客户来电询问开户"),
    ]
    with _db.engine.begin() as conn:
        for subject, body in old_texts:
            conn.execute(
                insert, {"branch": branch_id, "subject": subject, "body": body, "owner": owner_id, "at": clock.at}
            )
    upgrade()
    with _db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT subject, body, caller_number FROM cases ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [
        ("客户预约回电", None, "+8613800138000"),
        ("来电留言（坐席忙）", "留言录音：https://rec/RE1", None),
        ("咨询", "客户来电询问开户", None),
    ]


def test_revision_0009_confirms_earlier_assessments_and_marks_high_risk_business(app, db, make, agent, clock):
    customer_id, agent_id = make.customer(manager=agent, risk_tolerance="high").id, agent.id
    _db.session.commit()
    downgrade(revision="0007")
    with _db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO risk_assessments (customer_id, answers, score, band, taken_by_id, taken_at)"
                " VALUES (:customer, '{}', 50, 'high', :agent, :at)"
            ),
            {"customer": customer_id, "agent": agent_id, "at": clock.at},
        )
        for code, category in (("W1", "warrant"), ("M1", "margin"), ("C1", "chinext"), ("E1", "equity")):
            conn.execute(
                sa.text(
                    "INSERT INTO products (code, name, category, risk_level, is_active)"
                    " VALUES (:code, :code, :category, 'high', true)"
                ),
                {"code": code, "category": category},
            )
    upgrade()
    with _db.engine.connect() as conn:
        confirmed = conn.execute(sa.text("SELECT confirmed_at IS NOT NULL FROM risk_assessments")).scalar_one()
        marked = conn.execute(sa.text("SELECT code, needs_disclosure FROM products ORDER BY code")).all()
    assert confirmed
    assert [tuple(row) for row in marked] == [("C1", True), ("E1", False), ("M1", True), ("W1", True)]
