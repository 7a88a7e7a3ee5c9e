"""The guard every webhook goes through (DESIGN: authenticated, idempotent, never a 500 to a caller).

``@twilio_webhook("step")`` on a view that returns a ``VoiceResponse`` (or a string):
1. checks ``X-Twilio-Signature`` with twilio's ``RequestValidator`` against
   ``PUBLIC_BASE_URL`` + path when set (behind a proxy), else the request URL → 403;
2. checks the parameters are what Twilio sends (``telephony.parameters``): when one is not, the
   request changes nothing, is logged (the reason, never a value) and gets the apology TwiML;
3. makes a retried delivery a no-op: the first delivery's TwiML is stored under
   (step, CallSid, a digest of the URL and parameters) in the same transaction as the changes,
   and a repeat gets that stored answer back without running the view again;
4. turns any failure into the apology TwiML, after rolling the transaction back.

A view declared with ``look_up_first=False`` (a survey answer: its writes are keyed, so running it
again changes nothing the first run did not) skips the look-up of step 3: a repeat runs the view, and its
receipt then collides with the stored one as it is written, which rolls everything back and answers the
stored TwiML — the path a concurrent duplicate always took. One statement fewer for every first
delivery, the view's reads for every repeat.

A view declared with ``receipt_by_view=True`` (the incoming call: almost every delivery is a first
one) skips the look-up as well: it is called with ``receipt_key`` and stores its TwiML under that key
itself, with the statement that makes its changes, and returns None when the key was stored already —
a repeat, which then gets the stored answer. One round trip instead of a look-up, the changes and the
receipt. That one statement is atomic by itself, so on PostgreSQL such a view runs in autocommit: no
BEGIN and COMMIT around it, two round trips fewer (its other statements are reads).
"""

import functools
import hashlib
import hmac
import json

from flask import Response, current_app, request
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from twilio.request_validator import RequestValidator

from crm.extensions import db
from crm.models import WebhookReceipt
from telephony.parameters import problem
from telephony.twiml import apology, render, twiml_response
from telephony.urls import signed_request_url


def signature_is_valid():
    """Whether ``X-Twilio-Signature`` signs this request. Twilio signs the URL it requested: the one worked
    out here is tried first (one HMAC, compared in constant time); only a request it does not sign goes
    through ``RequestValidator.validate``, which also tries the URL with and without its port."""
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    params = request.form.to_dict(flat=True) if request.method == "POST" else {}
    validator, url = _validator(token), signed_request_url()
    if hmac.compare_digest(validator.compute_signature(url, params).encode(), signature.encode()):
        return True
    return validator.validate(url, params, signature)


@functools.lru_cache(maxsize=4)
def _validator(token):
    return RequestValidator(token)


def delivery_key(step, sid):
    params = request.form.to_dict(flat=True)
    # The URL is part of it: two steps of one call (menu → question 1 → question 2) may post the same parameters.
    digest = hashlib.sha256(json.dumps([request.full_path, params], sort_keys=True).encode()).hexdigest()[:32]
    return f"{step}:{params[sid]}:{digest}"


# The receipt's row, written with Core (built once): no unit of work to flush for one row.
_RECEIPT = insert(WebhookReceipt.__table__)


def _stored_answer(key):
    return db.session.scalar(select(WebhookReceipt.response).where(WebhookReceipt.key == key))


def _autocommit_on_postgresql():
    """The request's connection in autocommit (PostgreSQL only: SQLite's view writes several statements).
    A session already in a transaction (a test's, around its requests) is left in it."""
    if db.session.get_bind().dialect.name == "postgresql" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def twilio_webhook(step, sid="CallSid", fallback=apology, look_up_first=True, receipt_by_view=False):
    """The guard for a call flow's webhook; an SMS webhook passes ``sid="MessageSid"`` and a ``fallback``
    answering empty TwiML (there is no caller to apologise to). ``look_up_first``, ``receipt_by_view``: see
    the module."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not signature_is_valid():
                return Response("Invalid Twilio signature.", status=403, mimetype="text/plain")
            refused = problem(request.form, required=(sid,))
            if refused:
                current_app.logger.warning("webhook %s refused: %s", step, refused)
                return twiml_response(fallback())
            key = delivery_key(step, sid)
            stored = _stored_answer(key) if look_up_first and not receipt_by_view else None
            if stored is not None:
                return Response(stored, mimetype="text/xml")
            try:
                if receipt_by_view:
                    _autocommit_on_postgresql()
                    body = view(*args, receipt_key=key, **kwargs)
                    if body is None:  # a repeat: the view found the key stored and wrote nothing
                        db.session.rollback()
                        return Response(_stored_answer(key) or render(fallback()), mimetype="text/xml")
                else:
                    body = render(view(*args, **kwargs))
                    db.session.execute(_RECEIPT, {"key": key, "response": body})
                db.session.commit()
            except IntegrityError:
                # A concurrent delivery of the same request won the race: answer what it answered.
                db.session.rollback()
                return Response(_stored_answer(key) or render(fallback()), mimetype="text/xml")
            except Exception:
                db.session.rollback()
                current_app.logger.exception("webhook %s failed", step)
                return twiml_response(fallback())
            return Response(body, mimetype="text/xml")

        return wrapper

    return decorate
