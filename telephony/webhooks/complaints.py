"""The complaint line (menu 2) — issue 5 §5: category → recorded complaint → complaint case.

The recording is transcribed by Twilio; the text arrives later at the transcription callback
(``telephony.webhooks.calls``) and is added to the case. ``/voice/complaint/page`` is the TwiML
of the call a worker places to the supervisor on duty when a complaint is still undispatched.
"""

from flask import request, url_for
from twilio.twiml.voice_response import VoiceResponse

from crm.extensions import db
from crm.services.calls import complaint_line, ivr
from telephony.blueprint import twilio_blueprint
from telephony.prompts import speak
from telephony.security import twilio_webhook
from telephony.twiml import key_menu, say

COMPLAINT_MAX_SECONDS = 180


def category_menu(response, route, attempt):
    target = url_for("twilio.complaint_category", attempt=attempt)
    return key_menu(response, target, lambda gather: speak(gather, "complaint", "complaint_menu", route))


@twilio_blueprint.post("/voice/complaint/category")
@twilio_webhook("complaint-category")
def complaint_category():
    route = ivr.route_of(db.session, request.form.get("CallSid", ""))
    attempt = request.args.get("attempt", 0, type=int)
    category = complaint_line.choose_category(db.session, route, request.form.get("Digits"), attempt)
    response = VoiceResponse()
    if category == "retry":
        speak(response, "menu", "menu_invalid", route)
        return category_menu(response, route, attempt + 1)
    speak(response, "complaint", "complaint_record", route)
    response.record(
        action=url_for("twilio.complaint_recorded", category=category),
        method="POST",
        max_length=COMPLAINT_MAX_SECONDS,
        finish_on_key="#",
        play_beep=True,
        transcribe=True,
        transcribe_callback=url_for("twilio.transcription"),
    )
    speak(response, "closing", "closing", route)
    response.hangup()
    return response


@twilio_blueprint.post("/voice/complaint/recorded")
@twilio_webhook("complaint-recorded")
def complaint_recorded():
    route = ivr.route_of(db.session, request.form.get("CallSid", ""))
    category = request.args.get("category")
    if category not in complaint_line.CATEGORY_LABELS:
        category = "other"
    complaint_line.take_complaint(
        db.session, route, category, request.form.get("RecordingUrl", ""), request.form.get("RecordingSid")
    )
    response = VoiceResponse()
    speak(response, "complaint", "complaint_saved", route)
    speak(response, "closing", "closing", route)
    response.hangup()
    return response


@twilio_blueprint.post("/voice/complaint/page")
@twilio_webhook("complaint-page")
def complaint_page():
    """The supervisor's phone rings about an undispatched complaint: say which, twice."""
    text = complaint_line.page_text(db.session, request.args.get("case_id", type=int))
    response = VoiceResponse()
    say(response, text)
    response.pause(length=1)
    say(response, text)
    response.hangup()
    return response
