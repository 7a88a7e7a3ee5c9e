"""Idempotency records and their pruning — issue 10 §11.

An idempotency record exists only so that a repeated delivery changes nothing: today the webhook
receipts (``telephony.security`` stores the TwiML answered to each Twilio delivery, and a retry gets
it back without running the step again). They are pruned once older than the retention period
(setting ``KEFU_IDEMPOTENCY_RETENTION_DAYS``, 30 days by default), batch by batch, by a nightly job.

Within the retention period every record stays, so a retried or replayed delivery is still a
no-op; Twilio's own retries end within hours. Keys that also belong to a business record are not
idempotency records and are never pruned here: call events (``call_events.dedupe_key``, the call's
history), notices (``notifications.dedupe_key``, who was told what), the case opened by a call
(``cases.source_ref``), survey answers (one per run and question).
"""

from datetime import timedelta

from crm.core.bulk import delete_in_batches
from crm.core.clock import as_utc
from crm.models import WebhookReceipt

# Each table of idempotency records with the column saying when a row was written (indexed).
RECORDS = ((WebhookReceipt, WebhookReceipt.received_at),)
BATCH_SIZE = 1000
# Shorter would forget a delivery Twilio may still retry.
MIN_RETENTION = timedelta(days=1)

_settings = {"retention": timedelta(days=30)}


def configure(retention_days):
    """How long idempotency records are kept (setting ``KEFU_IDEMPOTENCY_RETENTION_DAYS``, at least 1 day)."""
    retention = timedelta(days=retention_days)
    if retention < MIN_RETENTION:
        raise ValueError(f"KEFU_IDEMPOTENCY_RETENTION_DAYS must be at least 1, not {retention_days!r}.")
    _settings["retention"] = retention


def retention():
    return _settings["retention"]


def prune(session, at, batch_size=BATCH_SIZE):
    """Delete the idempotency records written before ``at`` minus the retention period, oldest first,
    committing each batch of ``batch_size``; how many were deleted per table."""
    cutoff = as_utc(at) - retention()
    return {
        model.__tablename__: delete_in_batches(session, model, written < cutoff, written, batch_size)
        for model, written in RECORDS
    }
