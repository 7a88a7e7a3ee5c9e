"""``DriverSelect`` gives what ``Connection.execute`` gives for the same statement (rows, keys, result
processing: aware UTC datetimes), leaves the pooled connection as it found it, and never hands a
connection it failed on back to the pool."""

from datetime import UTC, datetime

import pytest
from psycopg.errors import UndefinedColumn
from sqlalchemy import bindparam, event, select

from crm.core.driver_select import DriverSelect
from crm.models import Customer, CustomerPhone
from crm.models.types import UTCDateTime

pytestmark = pytest.mark.postgres

AT = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def _statement():
    return (
        select(Customer.id, Customer.name, Customer.created_at, CustomerPhone.e164.label("number"))
        .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
        .where(Customer.branch_id == bindparam("branch"))
        .order_by(CustomerPhone.e164)
    )


def test_rows_are_those_sqlalchemy_gives(db, make, branch):
    make.customer(branch=branch, phones=("13800138000", "13900139000"), created_at=AT)
    db.session.commit()
    expected = db.session.execute(_statement(), {"branch": branch.id}).all()
    rows = DriverSelect(_statement(), db.engine.dialect).all(db.engine, branch=branch.id)
    assert [tuple(row) for row in rows] == [tuple(row) for row in expected] and len(rows) == 2
    assert rows[0].number == "+8613800138000" and rows[0].created_at == AT and rows[0].created_at.tzinfo == UTC


def test_the_connection_goes_back_to_the_pool_transactional(db, make, branch):
    """It reads in autocommit (one round trip), and the pooled connection is left as the pool lent it."""
    make.customer(branch=branch, phones=("13800138000",))
    db.session.commit()
    assert len(DriverSelect(_statement(), db.engine.dialect).all(db.engine, branch=branch.id)) == 1
    with db.engine.connect() as connection:
        assert connection.connection.driver_connection.autocommit is False


def test_a_failed_statement_drops_its_connection(db):
    query = DriverSelect(select(Customer.id).where(Customer.id == bindparam("id")), db.engine.dialect)
    query.sql = "SELECT no_such_column FROM customers"
    dropped = []
    listener = lambda *args: dropped.append(args)  # noqa: E731
    event.listen(db.engine.pool, "invalidate", listener)
    try:
        with pytest.raises(UndefinedColumn):
            query.all(db.engine, id=1)
    finally:
        event.remove(db.engine.pool, "invalidate", listener)
    assert len(dropped) == 1


def test_a_bind_that_needs_processing_is_refused(db):
    stmt = select(Customer.id).where(Customer.created_at > bindparam("since", type_=UTCDateTime))
    with pytest.raises(ValueError, match="since"):
        DriverSelect(stmt, db.engine.dialect)
