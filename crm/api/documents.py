"""The customer's dossier (一户一档, issue 10 §5): documents added to a customer (and a case of theirs),
listed, and read back — only by those who may see the customer or the case, every read audited.

``URL`` is empty: uploads and lists live under ``/customers/<id>``, a document's content under ``/documents``.
"""

from flask import current_app
from flask_smorest import Blueprint

from crm.api.input_guard import upload
from crm.api.lookups import visible_customer
from crm.api.schemas.documents import DocumentFile, DocumentForm, DocumentOut, DocumentQuery
from crm.auth import current_staff, roles
from crm.errors import DomainError, InvalidInput
from crm.extensions import db
from crm.services.customers import documents

URL = ""
blp = Blueprint("documents", __name__, description="The customer's dossier: signed papers, ID copies, recordings")


def _store():
    return documents.store_from(current_app.config)


@blp.post("/customers/<int:customer_id>/documents")
@roles("agent", "supervisor", "admin")
@upload
@blp.arguments(DocumentForm, location="form")
@blp.arguments(DocumentFile, location="files")
@blp.response(201, DocumentOut)
def add_document(form, files, customer_id):
    """Add a document (multipart ``file`` with ``kind``, optionally ``case_id``): a PDF, JPEG or PNG within
    ``KEFU_DOCUMENT_MAX_BYTES`` (413 / 415 otherwise). A ``recording_reference`` gives ``call_sid`` instead
    of a file: a recorded call with this customer."""
    customer = visible_customer(customer_id)
    case = documents.case_of(db.session, form.get("case_id"))
    actor = current_staff()
    if form["kind"] == documents.REFERENCE_KIND:
        if not form.get("call_sid"):
            raise InvalidInput("A recording reference names its call.", {"call_sid": ["Required."]})
        document = documents.add_recording_reference(db.session, actor, customer, form["call_sid"], case)
    else:
        file = files.get("file")
        if file is None:
            raise InvalidInput("Attach the document as the multipart field 'file'.", {"file": ["Required."]})
        document = documents.add_file(
            db.session, _store(), actor, customer, form["kind"], file.filename, file.read(), case
        )
    db.session.commit()
    return document


@blp.get("/customers/<int:customer_id>/documents")
@roles("agent", "supervisor", "admin")
@blp.arguments(DocumentQuery, location="query")
@blp.response(200, DocumentOut(many=True))
def list_documents(args, customer_id):
    """The customer's dossier, newest first; filter by case or kind."""
    return documents.documents_of(db.session, visible_customer(customer_id), args.get("case_id"), args.get("kind"))


@blp.get("/documents/<int:document_id>/content")
@roles("agent", "supervisor", "admin")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
def read_document(document_id):
    """The document's file, for whoever may see its customer or case; the read, a refusal (403) and a file
    that no longer matches its sha256 (409 ``document_tampered``) are all in the customer's audit trail."""
    document = documents.get_document(db.session, document_id)
    try:
        content = documents.read_document(db.session, _store(), current_staff(), document)
    except DomainError:
        db.session.commit()  # keep the audit row of the refusal
        raise
    db.session.commit()
    return current_app.response_class(
        content,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="document-{document.id}"',
            "X-Content-SHA256": document.sha256,
        },
    )
