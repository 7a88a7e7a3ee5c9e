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
