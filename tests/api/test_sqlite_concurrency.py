"""The embedded SQLite database with two writers: a long ``kefu import-customers`` and the web API.

Whatever the suite's database, these tests run an app of their own on a real SQLite file.
"""

import sqlite3
import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from crm import create_app
from crm.config import Config
from crm.extensions import db
from crm.models import Customer
from crm.services.customers import import_file
from tests import factories
from tests.conftest import auth

BATCH = 50


@pytest.fixture(scope="module")
def sqlite_app(app, tmp_path_factory):
    """An app on a SQLite file of its own; the suite's Redis, since the queue handle is shared."""
    path = tmp_path_factory.mktemp("embedded") / "kefu.db"
    settings = ("REDIS_URL", "SECRET_KEY", "TWILIO_AUTH_TOKEN", "TESTING")
    embedded = create_app(
        Config(
            **{name: app.config[name] for name in settings},
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
            SQLITE_BUSY_TIMEOUT=2,
            IMPORT_BATCH_SIZE=BATCH,
        )
    )
    with embedded.app_context():
        upgrade()
        make = factories.Factory(db.session)
        embedded.agent_headers = auth(make.staff(role="agent", branch=make.branch(code="SH01")))
    embedded.database_path = path
    return embedded


def customers(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Customer))


def new_customer(app, account_no):
    body = {"name": "张三", "account_no": account_no, "phones": [{"number": "13900139000"}]}
    return app.test_client().post("/api/v1/customers", json=body, headers=app.agent_headers)


def test_the_embedded_database_runs_in_wal_mode(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_an_api_write_during_a_long_import_waits_for_one_batch_and_succeeds(sqlite_app, tmp_path, monkeypatch):
    rows = 10 * BATCH
    path = tmp_path / "customers.csv"
    path.write_text("account_no,name,phones\n" + "".join(f"K{n:05d},客户{n},1380{n:07d}\n" for n in range(rows)))
    mid_import, answered = threading.Event(), threading.Event()
    read_csv = import_file.read_csv

    def read_slowly(lines):
        """The file as read, pausing at the fourth batch (three are read, the first is written) for the API."""
        for number, record in enumerate(read_csv(lines)):
            if number == 3 * BATCH:
                mid_import.set()
                answered.wait(timeout=60)
            yield record

    monkeypatch.setattr(import_file, "read_csv", read_slowly)
    result = {}
    importing = threading.Thread(
        target=lambda: result.update(
            run=sqlite_app.test_cli_runner().invoke(args=["kefu", "import-customers", str(path), "--branch", "SH01"])
        )
    )
    importing.start()
    assert mid_import.wait(timeout=60)

    response = new_customer(sqlite_app, "A00001")
    answered.set()
    importing.join(timeout=120)

    assert response.status_code == 201, response.get_json()
    assert result["run"].exit_code == 0, result["run"].output
    assert f"{rows} created, 0 updated" in result["run"].output
    assert customers(sqlite_app) == rows + 1


def test_a_write_that_finds_the_database_locked_past_the_timeout_gets_503_with_retry_after(sqlite_app):
    before = customers(sqlite_app)
    other_writer = sqlite3.connect(sqlite_app.database_path, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        response = new_customer(sqlite_app, "A00002")
        listing = sqlite_app.test_client().get("/api/v1/customers", headers=sqlite_app.agent_headers)
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "unavailable"
    assert listing.status_code == 200  # readers do not wait for a writer
    assert customers(sqlite_app) == before
    assert new_customer(sqlite_app, "A00002").status_code == 201
