"""Call-log callbacks — issue 5 §4: status, recording and transcription; issue 11: the real-time
transcript of agent calls (``crm.services.calls.transcripts``).

Each applies one keyed change through ``crm.services.calls.call_log``; a duplicated or retried
callback changes nothing. They answer an empty ``<Response/>`` (Twilio ignores the body).
"""

from flask import request
from twilio.twiml.voice_response import VoiceResponse

from crm.extensions import db
from crm.services.calls import call_log, transcripts
from telephony.blueprint import twilio_blueprint
from telephony.security import twilio_webhook


@twilio_blueprint.post("/calls/status")
@twilio_webhook("status")
def status():
    form = request.form
    call_log.apply_status(
        db.session,
        form.get("CallSid", ""),
        form.get("CallStatus", ""),
        duration=form.get("CallDuration", type=int),
        direction=form.get("Direction"),
        from_number=form.get("From"),
        to_number=form.get("To"),
    )
    return VoiceResponse()


@twilio_blueprint.post("/calls/recording")
@twilio_webhook("recording")
def recording():
    form = request.form
    call_log.record_recording(
        db.session,
        form.get("CallSid", ""),
        form.get("RecordingSid", ""),
        form.get("RecordingUrl", ""),
        duration=form.get("RecordingDuration", type=int),
    )
    return VoiceResponse()


@twilio_blueprint.post("/calls/transcription")
@twilio_webhook("transcription")
def transcription():
    form = request.form
    call_log.record_transcription(
        db.session, form.get("CallSid", ""), form.get("RecordingSid", ""), form.get("TranscriptionText", "")
    )
    return VoiceResponse()


@twilio_blueprint.post("/calls/transcription-events")
@twilio_webhook("transcription-event")
def transcription_events():
    """``<Start><Transcription>``'s status callback: each final utterance is stored once."""
    form = request.form
    transcripts.record_event(
        db.session,
        form.get("CallSid", ""),
        form.get("TranscriptionEvent"),
        form.get("SequenceId", type=int),
        form.get("Track"),
        form.get("TranscriptionData"),
        final=form.get("Final") == "true",
        timestamp=form.get("Timestamp"),
    )
    return VoiceResponse()
