"""The access matrix (DOMAIN §1, issue 9): every role × every resource × (own, same branch, other branch) ×
(read, write), with the status expected and, for reads, which personal fields come masked.

Two branches, A and B, each with an agent and a supervisor, and an admin. Every one of the four branch
staff has the same set of rows: a customer they manage, a visit they logged with that customer, a case
they own and a call they took — both about their branch colleague's customer (a hotline agent takes any
caller of the branch) — with its QA result and one flag, and an inbox notice. For a viewer, "own" rows are
their own, "same" their branch colleague's, "other" those of their counterpart in branch B. The admin's "same"
and "other" are branch A's and B's agent's rows; the admin's "own" is their own staff record and notice.
"""

from datetime import date

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import Call, Notification, QaFlag, QaResult, QuotaTarget, ReportRun, Survey, WorkLog
from crm.services.activity import spot_checks
from crm.services.surveys.default_surveys import ensure_default_surveys
from tests.api.identity import as_
from tests.case_factories import CaseFactory

API = "/api/v1"
SENSITIVE = {"id_number", "birthday", "email", "phones"}

# (resource, action) → {role: (own, same, other)}; None: no such row for that role.
# fmt: off
MATRIX = {
    ("customer", "read"):         {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("customer", "write"):        {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("lookup", "read"):           {"agent": (200, 200, 404), "supervisor": (200, 200, 404), "admin": (None, 200, 200)},
    ("audit", "read"):            {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("recommendations", "read"):  {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("recommendations", "write"): {"agent": (201, 403, 403), "supervisor": (201, 201, 403), "admin": (None, 201, 201)},
    ("case", "read"):             {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("case", "write"):            {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("case_intake", "write"):     {"agent": (201, 201, 403), "supervisor": (201, 201, 403), "admin": (None, 201, 201)},
    ("survey_runs", "read"):      {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("call", "read"):             {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("call", "write"):            {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("visit", "read"):            {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("visit", "write"):           {"agent": (200, 403, 403), "supervisor": (200, 403, 403), "admin": (None, 403, 403)},
    ("visit_check", "write"):     {"agent": (403, 403, 403), "supervisor": (201, 201, 403), "admin": (None, 201, 201)},
    ("staff", "read"):            {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (200, 200, 200)},
    ("staff", "write"):           {"agent": (403, 403, 403), "supervisor": (200, 200, 403), "admin": (200, 200, 200)},
    ("notification", "write"):    {"agent": (200, 404, 404), "supervisor": (200, 404, 404), "admin": (200, 404, 404)},
    ("report_run", "read"):       {"agent": (403, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("report_run", "write"):      {"agent": (403, 403, 403), "supervisor": (202, 202, 403), "admin": (None, 202, 202)},
    ("customer_dates", "read"):   {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("customer_dates", "write"):  {"agent": (201, 403, 403), "supervisor": (201, 201, 403), "admin": (None, 201, 201)},
    ("call_list", "read"):        {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("spot_check", "read"):       {"agent": (403, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("spot_check", "write"):      {"agent": (403, 403, 403), "supervisor": (201, 201, 403), "admin": (None, 201, 201)},
    ("transcript", "read"):       {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("qa_result", "read"):        {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    # Nobody reviews the QA flags of their own call (recusal).
    ("qa_flag", "write"):         {"agent": (403, 403, 403), "supervisor": (403, 200, 403), "admin": (None, 200, 200)},
    ("quota", "read"):            {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("quota", "write"):           {"agent": (403, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("attainment", "read"):       {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("work_log", "read"):         {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    ("work_log", "write"):        {"agent": (200, 403, 403), "supervisor": (200, 403, 403), "admin": (None, 403, 403)},
    ("work_log_review", "write"): {"agent": (403, 403, 403), "supervisor": (403, 200, 403), "admin": (None, 200, 200)},
    # The desk's card of a call: the agent it was routed to, the branch's supervisors, admins (console, HTML).
    ("call_card", "read"):        {"agent": (200, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
    # Survey texts are the installation's: admins only, whoever's row is named.
    ("survey", "write"):          {"agent": (403, 403, 403), "supervisor": (403, 403, 403), "admin": (None, 200, 200)},
    # The call-quality report of the owner's branch (reports are read-only).
    ("call_quality", "read"):     {"agent": (403, 403, 403), "supervisor": (200, 200, 403), "admin": (None, 200, 200)},
}
# Reads answered 200 whose personal fields come masked; every other 200 read shows them in full.
MASKED = {
    ("lookup", "agent", "same"): SENSITIVE,
    # The agent's own case and call are about their colleague's customer: the caller's number is masked.
    ("case", "agent", "own"): {"caller_number"},
    ("call", "agent", "own"): {"from_number"},
}
# fmt: on
SCOPES = ("own", "same", "other")


def cells():
    for (resource, action), by_role in MATRIX.items():
        for role, statuses in by_role.items():
            for scope, status in zip(SCOPES, statuses, strict=True):
                if status is not None:
                    yield pytest.param(resource, action, role, scope, status, id=f"{resource}-{action}-{role}-{scope}")


@pytest.fixture
def world(db, make, clock):
    """Branches A and B, each with an agent and a supervisor holding one row of each kind; an admin."""
    ensure_default_surveys(db.session)
    cases = CaseFactory(db.session)
    staff = {}
    for code in ("A", "B"):
        branch = make.branch()
        for role in ("agent", "supervisor"):
            staff[code, role] = make.staff(role=role, branch=branch, password=None)  # tokens only: no hashing
    staff["admin"] = make.staff(role="admin", password=None)
    product = make.product(risk_level="low")
    rows = {}
    day = clock.at.date()
    for n, key in enumerate([("A", "agent"), ("A", "supervisor"), ("B", "agent"), ("B", "supervisor")]):
        person = staff[key]
        customer = make.customer(
            manager=person,
            phones=(f"1380013{n:04d}",),
            id_number=f"31010119900101{n:03d}X",
            birthday=date(1990, 5, 12),
            email=f"client{n}@example.com",
            risk_tolerance="low",
        )
        visit = make.visit(person, customer)
        notice = Notification(recipient_id=person.id, kind="reminder", text="提醒", dedupe_key=f"matrix:{n}")
        run = ReportRun(
            kind="risk_classification",
            params={"branch_id": person.branch_id, "day": "2026-11-23"},
            format="csv",
            requested_by_id=person.id,
            branch_id=person.branch_id,
        )
        quota = QuotaTarget(
            staff_id=person.id,
            branch_id=person.branch_id,
            kind="contact_calls",
            period="day",
            target=10,
            valid_from=day,
        )
        log = WorkLog(staff_id=person.id, branch_id=person.branch_id, kind="daily", period_start=day, period_end=day)
        log.figures, log.items = [], {}
        db.session.add_all([notice, run, quota, log])
        db.session.commit()
        rows[person.id] = {
            "customer": customer,
            "visit": visit,
            "notification": notice,
            "staff": person,
            "report_run": run,
            "quota": quota,
            "work_log": log,
        }
    for key in rows:
        person = db.session.get(type(staff["admin"]), key)
        colleague = next(s for s in staff.values() if s.branch_id == person.branch_id and s.id != person.id)
        theirs = rows[colleague.id]["customer"]
        number = theirs.phones[0].e164
        case = cases.case(person, kind="inquiry", customer_id=theirs.id, caller_number=number)
        call = Call(
            sid=f"CA-matrix-{person.id}",
            direction="inbound",
            from_number=number,
            to_number="+862150508888",
            branch_id=person.branch_id,
            agent_id=person.id,
            customer_id=theirs.id,
            started_at=clock.at,
        )
        db.session.add(call)
        db.session.flush()
        result = QaResult(
            call_id=call.id, agent_id=person.id, branch_id=person.branch_id, basis="transcript", state="open"
        )
        result.passed, result.flags = False, [QaFlag(rule="closing_missing")]
        db.session.add(result)
        db.session.commit()
        rows[person.id].update(case=case, call=call, qa_result=result)
    admin_notice = Notification(recipient_id=staff["admin"].id, kind="reminder", text="提醒", dedupe_key="matrix:a")
    db.session.add(admin_notice)
    db.session.commit()
    rows[staff["admin"].id] = {"staff": staff["admin"], "notification": admin_notice}
    return {"staff": staff, "rows": rows, "product": product}


def viewer_and_owner(world, role, scope):
    staff = world["staff"]
    if role == "admin":
        owner = {"own": staff["admin"], "same": staff["A", "agent"], "other": staff["B", "agent"]}[scope]
        return staff["admin"], owner
    colleague = {"agent": "supervisor", "supervisor": "agent"}[role]
    owner = {"own": staff["A", role], "same": staff["A", colleague], "other": staff["B", role]}[scope]
    return staff["A", role], owner


def request(client, resource, action, viewer, rows, world):
    """Send the request for one cell; returns the response."""
    headers = as_(viewer)
    customer, case, call, visit = (rows.get(name) for name in ("customer", "case", "call", "visit"))
    calls = {
        ("customer", "read"): lambda: client.get(f"{API}/customers/{customer.id}", headers=headers),
        ("customer", "write"): lambda: client.patch(
            f"{API}/customers/{customer.id}", json={"preferred_channel": "sms"}, headers=headers
        ),
        ("lookup", "read"): lambda: client.get(
            f"{API}/customers/lookup", query_string={"phone": customer.phones[0].e164}, headers=headers
        ),
        ("audit", "read"): lambda: client.get(f"{API}/customers/{customer.id}/audit", headers=headers),
        ("recommendations", "read"): lambda: client.get(
            f"{API}/customers/{customer.id}/recommendations", headers=headers
        ),
        ("recommendations", "write"): lambda: client.post(
            f"{API}/customers/{customer.id}/recommendations", json={"product_id": world["product"].id}, headers=headers
        ),
        ("case", "read"): lambda: client.get(f"{API}/cases/{case.id}", headers=headers),
        ("case", "write"): lambda: client.post(f"{API}/cases/{case.id}/investigate", headers=headers),
        ("case_intake", "write"): lambda: client.post(
            f"{API}/cases",
            json={"kind": "inquiry", "channel": "phone", "subject": "咨询", "customer_id": customer.id},
            headers=headers,
        ),
        ("survey_runs", "read"): lambda: client.get(f"{API}/cases/{case.id}/survey-runs", headers=headers),
        ("call", "read"): lambda: client.get(f"{API}/calls/{call.id}", headers=headers),
        ("call", "write"): lambda: client.post(
            f"{API}/calls/{call.id}/link", json={"case_id": case.id}, headers=headers
        ),
        ("visit", "read"): lambda: client.get(f"{API}/visits/{visit.id}", headers=headers),
        ("visit", "write"): lambda: client.patch(f"{API}/visits/{visit.id}", json={"summary": "更正"}, headers=headers),
        ("visit_check", "write"): lambda: client.post(
            f"{API}/visits/{visit.id}/verification-survey", json={}, headers=headers
        ),
        ("staff", "read"): lambda: client.get(f"{API}/staff/{rows['staff'].id}", headers=headers),
        ("staff", "write"): lambda: client.patch(
            f"{API}/staff/{rows['staff'].id}", json={"on_duty": False}, headers=headers
        ),
        ("call_quality", "read"): lambda: client.get(
            f"{API}/reports/call-quality",
            query_string={"start": "2026-11-16", "end": "2026-11-22", "branch_id": rows["staff"].branch_id},
            headers=headers,
        ),
        ("notification", "write"): lambda: client.post(
            f"{API}/notifications/{rows['notification'].id}/read", headers=headers
        ),
        ("report_run", "read"): lambda: client.get(f"{API}/reports/runs/{rows['report_run'].id}", headers=headers),
        ("report_run", "write"): lambda: client.post(
            f"{API}/reports/runs",
            json={"kind": "risk_classification", "params": {"branch_id": rows["staff"].branch_id}},
            headers=headers,
        ),
        ("customer_dates", "read"): lambda: client.get(f"{API}/customers/{customer.id}/dates", headers=headers),
        ("customer_dates", "write"): lambda: client.post(
            f"{API}/customers/{customer.id}/dates", json={"kind": "other", "day": "2020-06-01"}, headers=headers
        ),
        ("call_list", "read"): lambda: client.get(
            f"{API}/call-list", query_string={"manager_id": rows["staff"].id}, headers=headers
        ),
        ("spot_check", "read"): lambda: client.get(f"{API}/spot-checks/{_spot_check(world, visit)}", headers=headers),
        ("spot_check", "write"): lambda: client.post(
            f"{API}/spot-checks", json={"manager_id": rows["staff"].id, **_TODAY, "k": 1}, headers=headers
        ),
        ("transcript", "read"): lambda: client.get(f"{API}/calls/{call.id}/transcript", headers=headers),
        ("qa_result", "read"): lambda: client.get(f"{API}/qa/results/{rows['qa_result'].id}", headers=headers),
        ("qa_flag", "write"): lambda: client.post(
            f"{API}/qa/flags/{rows['qa_result'].flags[0].id}/review",
            json={"decision": "confirmed", "comment": "属实"},
            headers=headers,
        ),
        ("quota", "read"): lambda: client.get(f"{API}/quotas/{rows['quota'].id}", headers=headers),
        ("quota", "write"): lambda: client.patch(
            f"{API}/quotas/{rows['quota'].id}", json={"target": 12}, headers=headers
        ),
        ("attainment", "read"): lambda: client.get(
            f"{API}/attainment", query_string={"staff_id": rows["staff"].id}, headers=headers
        ),
        ("work_log", "read"): lambda: client.get(f"{API}/work-logs/{rows['work_log'].id}", headers=headers),
        ("work_log", "write"): lambda: client.patch(
            f"{API}/work-logs/{rows['work_log'].id}", json={"remarks": "备注"}, headers=headers
        ),
        ("call_card", "read"): lambda: client.get(f"/desk/calls/{call.sid}/card", headers=headers),
        ("survey", "write"): lambda: client.patch(
            f"{API}/surveys/{_survey_id()}", json={"name": f"回访 {rows['staff'].id}"}, headers=headers
        ),
        ("work_log_review", "write"): lambda: client.post(
            f"{API}/work-logs/{rows['work_log'].id}/review", json={"comment": "已阅"}, headers=headers
        ),
    }
    return calls[resource, action]()


_TODAY = {"start": "2026-11-23", "end": "2026-11-23"}  # the clock fixture's day, when the world's visits are


def _survey_id():
    return db.session.scalar(select(Survey.id).order_by(Survey.id).limit(1))


def _spot_check(world, visit):
    """The id of a spot check of ``visit`` (the admin draws it)."""
    check = spot_checks.draw_spot_check(
        db.session, world["staff"]["admin"], visit.manager_id, date(2026, 11, 23), date(2026, 11, 23), k=1
    )
    db.session.commit()
    return check.id


def masked_fields(body):
    """The personal fields of a response body that are masked beyond undoing (issue 9 item 3)."""
    checks = {
        "id_number": lambda v: set(v[:-4]) == {"*"},
        "birthday": lambda v: v.startswith("****-"),
        "email": lambda v: v.startswith("***@"),
        "phones": lambda v: all("****" in phone["number"] for phone in v),
        "caller_number": lambda v: "****" in v,
        "from_number": lambda v: "****" in v,
    }
    return {name for name, masked in checks.items() if body.get(name) and masked(body[name])}


@pytest.mark.parametrize(("resource", "action", "role", "scope", "status"), list(cells()))
def test_access_matrix(client, world, resource, action, role, scope, status):
    viewer, owner = viewer_and_owner(world, role, scope)
    response = request(client, resource, action, viewer, world["rows"][owner.id], world)
    assert response.status_code == status, response.get_json()
    if action == "read" and status == 200:
        body = response.get_json()
        body = body if isinstance(body, dict) else {}
        assert masked_fields(body) == MASKED.get((resource, role, scope), set())


def test_the_matrix_covers_every_role_and_scope():
    assert {role for by_role in MATRIX.values() for role in by_role} == {"agent", "supervisor", "admin"}
    assert all(len(statuses) == len(SCOPES) for by_role in MATRIX.values() for statuses in by_role.values())
