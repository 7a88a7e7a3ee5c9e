"""Reference data cached per process (issue 13): no call hears a stale greeting after an edit.

The first call of a process reads the phone lines and scripts; later calls reuse them until the
reference version changes. An edit through the API, through another connection (what another web
process or worker is) or through a separate Python process is heard by the very next call.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.models import Script
from crm.services.calls.greetings import greeting_for
from crm.services.org import reference_cache
from tests.conftest import auth
from tests.telephony.ivr_walk import Caller

ROOT = Path(__file__).resolve().parents[2]


def _hotline_greeting(session):
    return session.query(Script).filter_by(purpose="greeting", line="hotline", valid_from=None).one()


def _greeting_heard(signed_post, number, sid):
    caller = Caller(signed_post, number, sid=sid)
    caller.dial()
    return caller.heard()[0]


def _statements(db):
    seen = []

    def listen(conn, cursor, statement, params, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", listen)


def test_a_second_call_reads_no_phone_line_script_or_calendar_rows(signed_post, phone_lines, db, clock):
    _greeting_heard(signed_post, phone_lines["hotline"], "CAREF1")
    seen, stop = _statements(db)
    try:
        _greeting_heard(signed_post, phone_lines["hotline"], "CAREF2")
    finally:
        stop()
    read = " ".join(seen)
    assert "FROM phone_lines" not in read
    assert "FROM scripts" not in read
    assert "FROM calendar_overrides" not in read
    assert "FROM reference_versions" in read


def test_a_greeting_edited_through_the_api_is_heard_by_the_next_call(
    client, signed_post, phone_lines, admin, branch, db, clock
):
    assert _greeting_heard(signed_post, phone_lines["hotline"], "CAREF1") == f"您好，某某证券{branch.name}！"
    script_id = _hotline_greeting(db.session).id
    db.session.commit()

    response = client.patch(f"/api/v1/scripts/{script_id}", json={"text": "您好，新问候语！"}, headers=auth(admin))
    assert response.status_code == 200, response.get_json()

    assert _greeting_heard(signed_post, phone_lines["hotline"], "CAREF2") == "您好，新问候语！"


def test_a_change_committed_by_another_connection_is_heard_by_the_next_call(signed_post, phone_lines, db, clock):
    _greeting_heard(signed_post, phone_lines["hotline"], "CAREF1")
    db.session.commit()
    with Session(db.engine) as other_process:
        _hotline_greeting(other_process).text = "您好，另一进程改的！"
        other_process.commit()

    assert _greeting_heard(signed_post, phone_lines["hotline"], "CAREF2") == "您好，另一进程改的！"


def test_a_rolled_back_edit_is_never_heard(signed_post, phone_lines, branch, db, clock):
    original = f"您好，某某证券{branch.name}！"
    assert _greeting_heard(signed_post, phone_lines["hotline"], "CAREF1") == original
    _hotline_greeting(db.session).text = "您好，没有提交！"
    db.session.flush()
    assert greeting_for(db.session, "hotline", clock.at, branch=branch).text == "您好，没有提交！"  # its own change
    db.session.rollback()

    assert greeting_for(db.session, "hotline", clock.at, branch=branch).text == original
    assert _greeting_heard(signed_post, phone_lines["hotline"], "CAREF2") == original


def test_an_edit_made_by_a_separate_process_is_heard_by_the_next_call(app, signed_post, phone_lines, db, clock):
    _greeting_heard(signed_post, phone_lines["hotline"], "CAREF1")
    db.session.commit()
    database = db.engine.url.render_as_string(hide_password=False)
    program = textwrap.dedent(
        f"""
        from sqlalchemy import create_engine
        from sqlalchemy.orm import Session
        import crm.services.org.reference_cache  # the listener that bumps the version, as in the app
        from crm.models import Script
        with Session(create_engine({database!r})) as session:
            script = session.query(Script).filter_by(purpose="greeting", line="hotline", valid_from=None).one()
            script.text = "您好，别的进程改的！"
            session.commit()
        """
    )
    subprocess.run([sys.executable, "-c", program], cwd=ROOT, check=True, timeout=60)

    assert _greeting_heard(signed_post, phone_lines["hotline"], "CAREF2") == "您好，别的进程改的！"


def test_a_new_phone_line_answers_at_once(signed_post, phone_lines, make, db, clock):
    _greeting_heard(signed_post, phone_lines["hotline"], "CAREF1")
    from crm.services.calls.default_scripts import ensure_phone_lines

    other = make.branch()
    ensure_phone_lines(db.session, [("+862150501234", "hotline", other.id)])
    db.session.commit()

    assert _greeting_heard(signed_post, "+862150501234", "CAREF2") == f"您好，某某证券{other.name}！"


def test_clear_forgets_everything(db):
    reference_cache.clear()
    assert reference_cache.cached(db.session, ("test",), lambda: 1) == 1
