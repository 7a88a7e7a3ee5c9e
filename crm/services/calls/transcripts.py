"""The real-time transcript of an agent call (issue 11 item 5): one row per final utterance.

Twilio's ``<Start><Transcription track="both_tracks">`` posts ``transcription-content`` events to
our webhook, each with a ``SequenceId``, a ``Track`` and the words (``TranscriptionData``). Only
final results are kept, one per (call, sequence): a redelivered event changes nothing.

Who spoke follows from the call's direction. The tracks are those of the call leg that ran the
``<Start>`` — the leg between Twilio and whoever placed the call:
- an inbound call (a customer rang our number, an agent took it through ``<Dial><Client>``):
  ``inbound_track`` is the customer, ``outbound_track`` what Twilio plays to them, i.e. the agent;
- a browser call (the agent's softphone placed it, ``<Dial><Number>`` rings the customer):
  ``inbound_track`` is the agent, ``outbound_track`` the customer.

``offset_seconds``: seconds from the call's answer (``Call.answered_at``; before that is known,
its start) to the utterance's ``Timestamp``.
"""

import json
from datetime import datetime

from sqlalchemy import select

from crm.core.bulk import insert_or_skip
from crm.core.clock import as_utc, now
from crm.core.masks import mask_long_numbers
from crm.models import Call, CallUtterance

AGENT_TRACK = {"inbound": "outbound_track", "outbound": "inbound_track"}
CONTENT = "transcription-content"


# What an utterance needs of its call: the columns only (a call's whole row comes with its customer and agent
# joined, some hundred columns; each event of a call's transcript would pay for them).
_CALL_TIMES = select(Call.id, Call.direction, Call.answered_at, Call.started_at)


def speaker_of(call, track):
    """``agent`` or ``customer``: who is heard on ``track`` of ``call`` (see the module's note)."""
    return "agent" if AGENT_TRACK.get(call.direction) == track else "customer"


def transcript_text(data):
    """The words of a ``TranscriptionData`` JSON document, or "" when it holds none."""
    try:
        document = json.loads(data or "{}")
    except ValueError:
        return ""
    text = document.get("transcript") if isinstance(document, dict) else None
    return text.strip() if isinstance(text, str) else ""


def spoken_time(timestamp):
    """Twilio's ISO-8601 ``Timestamp`` as an aware UTC datetime; now when it is missing or unreadable."""
    try:
        return as_utc(datetime.fromisoformat(timestamp))
    except (TypeError, ValueError):
        return now()


def record_event(session, sid, event, sequence, track, data, final, timestamp):
    """Store a final ``transcription-content`` event of call ``sid``; the new utterance, else None
    (another event kind, a partial result, no words, an unknown call, or a repeat). Long numbers said on the
    call (phone, ID, account numbers) are stored masked: a transcript is free text no field mask reaches."""
    text = mask_long_numbers(transcript_text(data))
    if event != CONTENT or not final or not text or sequence is None:
        return None
    call = session.execute(_CALL_TIMES.where(Call.sid == sid)).first()
    if call is None:
        return None
    spoken_at = spoken_time(timestamp)
    since = call.answered_at or call.started_at
    values = {
        "call_id": call.id,
        "sequence": sequence,
        "speaker": speaker_of(call, track),
        "text": text,
        "spoken_at": spoken_at,
        "offset_seconds": max(0, int((spoken_at - since).total_seconds())),
    }
    stmt = insert_or_skip(session, CallUtterance, ["call_id", "sequence"], CallUtterance).values(**values)
    return session.scalars(stmt).first()


def utterances(session, call_id):
    """The call's transcript in the order it was spoken."""
    stmt = select(CallUtterance).where(CallUtterance.call_id == call_id).order_by(CallUtterance.sequence)
    return session.scalars(stmt).all()
