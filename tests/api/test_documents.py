"""The customer's dossier (issue 10 §5): documents kept by sha256, served only to those who may see the
customer or the case, every read (and every refusal) in the audit trail, tampering detected."""

import hashlib
import io
import logging
from pathlib import Path

import pytest

from crm.models import AuditEntry, Document
from tests.api.identity import as_
from tests.case_factories import CaseFactory

PDF = b"%PDF-1.4\n% a signed risk disclosure\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def documents_url(customer):
    return f"/api/v1/customers/{customer.id}/documents"


def content_url(document_id):
    return f"/api/v1/documents/{document_id}/content"


@pytest.fixture
def upload(client):
    """POST a document as ``staff``; the response."""

    def upload(staff, customer, content=PDF, kind="risk_disclosure", **form):
        data = {"kind": kind, **form}
        if content is not None:
            data["file"] = (io.BytesIO(content), "scan.pdf")
        return client.post(documents_url(customer), data=data, headers=as_(staff), content_type="multipart/form-data")

    return upload


def trail(db, customer):
    rows = db.session.query(AuditEntry).filter_by(customer_id=customer.id).order_by(AuditEntry.id)
    return [(row.field, row.actor_id) for row in rows]


def test_a_document_is_kept_by_its_sha256_with_who_added_it_and_when(client, db, app, make, agent, clock, upload):
    customer = make.customer(manager=agent)
    response = upload(agent, customer)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    sha = hashlib.sha256(PDF).hexdigest()
    assert (body["sha256"], body["content_type"], body["size_bytes"]) == (sha, "application/pdf", len(PDF))
    assert (body["added_by"]["id"], body["kind"]) == (agent.id, "risk_disclosure")
    assert (Path(app.config["DOCUMENT_DIR"]) / sha[:2] / sha).read_bytes() == PDF
    listed = client.get(documents_url(customer), headers=as_(agent)).get_json()
    assert [d["id"] for d in listed] == [body["id"]]


def test_served_to_the_customers_manager_refused_to_another_branchs_agent_both_audited(client, db, make, agent, upload):
    customer = make.customer(manager=agent)
    outsider = make.staff(role="agent", branch=make.branch())
    document_id = upload(agent, customer).get_json()["id"]

    served = client.get(content_url(document_id), headers=as_(agent))
    assert served.status_code == 200
    assert (served.data, served.mimetype) == (PDF, "application/pdf")

    refused = client.get(content_url(document_id), headers=as_(outsider))
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    assert trail(db, customer) == [("document_read", agent.id), ("document_read_refused", outsider.id)]


def test_a_case_document_is_served_to_the_cases_owner(client, db, make, agent, branch, upload):
    manager = make.staff(role="agent", branch=branch)
    customer = make.customer(manager=manager)
    case = CaseFactory(db.session).case(agent, customer_id=customer.id)
    document_id = upload(manager, customer, kind="complaint_papers", case_id=case.id).get_json()["id"]
    assert client.get(content_url(document_id), headers=as_(agent)).status_code == 200
    assert client.get(documents_url(customer), headers=as_(agent)).status_code == 403


def test_a_tampered_file_is_refused_and_logged(client, db, app, make, agent, upload, caplog):
    customer = make.customer(manager=agent)
    body = upload(agent, customer).get_json()
    sha = body["sha256"]
    (Path(app.config["DOCUMENT_DIR"]) / sha[:2] / sha).write_bytes(PDF.replace(b"signed", b"forged"))

    with caplog.at_level(logging.ERROR):
        response = client.get(content_url(body["id"]), headers=as_(agent))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "document_tampered"
    assert "sha256" in response.get_json()["error"]["message"]
    assert any(f"Document {body['id']} fails its sha256 check" in r.getMessage() for r in caplog.records)
    assert trail(db, customer) == [("document_tampered", agent.id)]
    (Path(app.config["DOCUMENT_DIR"]) / sha[:2] / sha).write_bytes(PDF)  # the folder is shared by the session


def test_the_same_content_is_stored_once_and_never_overwritten(db, app, make, agent, upload):
    customer = make.customer(manager=agent)
    first, second = upload(agent, customer).get_json(), upload(agent, customer, kind="id_copy").get_json()
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    assert db.session.query(Document).count() == 2


def test_a_document_past_the_size_limit_is_413(app, make, agent, upload, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 100)
    response = upload(agent, make.customer(manager=agent), content=PDF + b"\0" * 100)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_a_document_larger_than_the_request_body_limit_is_accepted(app, make, agent, upload):
    """Documents use the upload limit, not ``KEFU_MAX_BODY_BYTES`` (1 MiB)."""
    content = PDF + b"\0" * app.config["MAX_CONTENT_LENGTH"]
    assert upload(agent, make.customer(manager=agent), content=content).status_code == 201


def test_a_file_that_is_no_pdf_jpeg_or_png_is_415(make, agent, upload):
    response = upload(agent, make.customer(manager=agent), content=b"MZ\x90\x00 an executable")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    assert upload(agent, make.customer(manager=agent), content=PNG, kind="id_copy").status_code == 201


def test_a_document_for_a_customer_one_may_not_see_is_403(make, agent, upload):
    outsider = make.staff(role="agent", branch=make.branch())
    assert upload(outsider, make.customer(manager=agent)).status_code == 403


def test_a_recording_reference_names_a_recorded_call_of_the_customer(db, make, agent, upload):
    from crm.models import Call

    customer = make.customer(manager=agent)
    db.session.add(Call(sid="CA" + "1" * 32, direction="inbound", customer_id=customer.id, recording_sid="RE1"))
    db.session.commit()
    response = upload(agent, customer, content=None, kind="recording_reference", call_sid="CA" + "1" * 32)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reference"] == "CA" + "1" * 32
    unknown = upload(agent, customer, content=None, kind="recording_reference", call_sid="CA" + "2" * 32)
    assert unknown.status_code == 422
