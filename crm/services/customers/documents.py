"""The customer's dossier (一户一档): documents on a customer and their cases — issue 10 §5.

Files are content-addressed: kept once in the document folder under their sha256, written to a
temporary name and renamed into place, never overwritten. A document row records the hash, who
added it and when. Reading a document checks access (the customer's, or the case's), checks the
bytes still hash to the recorded sha256, and leaves an audit row either way (read, refused, tampered).
"""

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from crm.core import clock
from crm.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge, UnsupportedType
from crm.models import Call, Case, Document
from crm.services.org import access, audit

log = logging.getLogger(__name__)

# What a file's first bytes say it is; the client's claimed type is not trusted.
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
REFERENCE_KIND = "recording_reference"


@dataclass(frozen=True)
class Store:
    """The document folder and its limits (settings ``KEFU_DOCUMENT_*``)."""

    folder: str
    max_bytes: int
    types: tuple[str, ...]

    def path(self, sha256):
        return Path(self.folder) / sha256[:2] / sha256

    def keep(self, content):
        """Write ``content`` under its sha256 unless it is there already; the hash."""
        sha256 = hashlib.sha256(content).hexdigest()
        target = self.path(sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as temporary:
                temporary.write(content)
            os.replace(temporary.name, target)  # atomic: a reader never sees half a file
        return sha256

    def read(self, sha256):
        path = self.path(sha256)
        return path.read_bytes() if path.exists() else None


def store_from(config):
    """The ``Store`` the settings describe (``config`` is the app's config mapping)."""
    return Store(config["DOCUMENT_DIR"], config["DOCUMENT_MAX_BYTES"], tuple(config["DOCUMENT_TYPES"]))


def content_type_of(content):
    return next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)


def add_file(session, store, actor, customer, kind, filename, content, case=None):
    """Keep ``content`` on ``customer``'s dossier (and ``case``'s): 413 past the size limit, 415 for a type
    not accepted."""
    _check_target(actor, customer, kind, case)
    if kind == REFERENCE_KIND:
        raise InvalidInput("A recording reference names a call, not a file.", {"reference": ["Required."]})
    if len(content) > store.max_bytes:
        raise TooLarge(f"A document may be at most {store.max_bytes} bytes.", {"file": ["Too large."]})
    content_type = content_type_of(content)
    if content_type not in store.types:
        accepted = ", ".join(store.types)
        raise UnsupportedType(f"Documents are kept as {accepted} only.", {"file": [f"Not one of {accepted}."]})
    document = Document(
        customer_id=customer.id,
        case_id=case.id if case else None,
        kind=kind,
        filename=(filename or "")[:200] or None,
        sha256=store.keep(content),
        content_type=content_type,
        size_bytes=len(content),
        added_by_id=actor.id,
        added_at=clock.now(),
    )
    session.add(document)
    return document


def add_recording_reference(session, actor, customer, call_sid, case=None):
    """Put a reference to the recorded call ``call_sid`` (a call of this customer) on the dossier."""
    _check_target(actor, customer, REFERENCE_KIND, case)
    call_of_customer(session, customer, call_sid)
    document = Document(
        customer_id=customer.id,
        case_id=case.id if case else None,
        kind=REFERENCE_KIND,
        reference=call_sid,
        added_by_id=actor.id,
        added_at=clock.now(),
    )
    session.add(document)
    return document


def call_of_customer(session, customer, call_sid):
    """The recorded call ``call_sid`` with ``customer``, or ``InvalidInput``."""
    call = session.scalar(select(Call).where(Call.sid == call_sid, Call.customer_id == customer.id))
    if call is None or not call.recording_sid:
        raise InvalidInput("No recorded call with this customer has that SID.", {"call_sid": ["No such recording."]})
    return call


def _check_target(actor, customer, kind, case):
    access.require_visible(actor, customer)
    if case is not None and case.customer_id != customer.id:
        raise InvalidInput("The case is about another customer.", {"case_id": ["Not this customer's case."]})


def may_read(viewer, document):
    """Whoever may see the customer, or the case the document is attached to."""
    return access.may_see(viewer, document.customer) or (
        document.case is not None and access.may_see(viewer, document.case)
    )


def get_document(session, document_id):
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"No document {document_id}.")
    return document


def read_document(session, store, viewer, document):
    """The bytes of ``document`` for ``viewer``, with the read in the audit trail.

    A refusal (``Forbidden``: no access) and a file that no longer matches its sha256 (``Conflict``) are
    audited too, then raised: the caller commits the audit row before answering, so the trail keeps them.
    """
    label = f"document #{document.id} ({document.kind})"
    if not may_read(viewer, document):
        audit.record(session, document.customer, viewer, "document_read_refused", None, label)
        raise Forbidden("This document belongs to a customer or case you may not see.")
    if document.sha256 is None:
        raise NotFound("A recording reference has no file: its call SID is in the dossier's list.")
    content = store.read(document.sha256)
    if content is None or hashlib.sha256(content).hexdigest() != document.sha256:
        log.error("Document %s fails its sha256 check (%s): refused", document.id, document.sha256)
        audit.record(session, document.customer, viewer, "document_tampered", None, label)
        raise Conflict(
            "This document's file no longer matches the sha256 recorded when it was added: it was changed or "
            "lost, and is not served. Tell the administrator.",
            code="document_tampered",
        )
    audit.record(session, document.customer, viewer, "document_read", None, label)
    return content


def documents_of(session, customer, case_id=None, kind=None):
    stmt = select(Document).where(Document.customer_id == customer.id)
    if case_id is not None:
        stmt = stmt.where(Document.case_id == case_id)
    if kind is not None:
        stmt = stmt.where(Document.kind == kind)
    return session.scalars(stmt.order_by(Document.added_at.desc(), Document.id.desc())).all()


def latest_disclosure(session, customer):
    """The customer's most recent signed risk disclosure, or None."""
    stmt = (
        select(Document)
        .where(Document.customer_id == customer.id, Document.kind == "risk_disclosure")
        .order_by(Document.added_at.desc(), Document.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def case_of(session, case_id):
    if case_id is None:
        return None
    case = session.get(Case, case_id)
    if case is None:
        raise InvalidInput(f"No case {case_id}.", {"case_id": ["No such case."]})
    return case
