"""An admin records a greeting by phone — issue 5 §2.

``POST /api/v1/scripts/<id>/record-call`` queues a call to the admin's own phone
(``workers.calls.place_greeting_call``) whose TwiML is ``/voice/record-greeting?script_id=``:
the current text is read out, the admin speaks after the beep, and the recording's URL
becomes the script's audio, played from then on instead of the spoken text.
"""

from pathlib import Path

from flask import current_app, request, send_from_directory, url_for
from twilio.twiml.voice_response import VoiceResponse

from crm.extensions import db
from crm.services.calls import greetings
from telephony.blueprint import twilio_blueprint
from telephony.prompts import speak
from telephony.security import twilio_webhook
from telephony.twiml import say

GREETING_MAX_SECONDS = 60


def _script():
    return greetings.get_script(db.session, request.args.get("script_id", type=int))


@twilio_blueprint.post("/voice/record-greeting")
@twilio_webhook("record-greeting")
def record_greeting():
    script = _script()
    response = VoiceResponse()
    speak(response, "voicemail", "record_greeting_prompt")
    say(response, script.text, script.language)
    response.record(
        action=url_for("twilio.greeting_recorded", script_id=script.id),
        method="POST",
        max_length=GREETING_MAX_SECONDS,
        finish_on_key="#",
        play_beep=True,
    )
    response.hangup()
    return response


@twilio_blueprint.post("/voice/record-greeting/saved")
@twilio_webhook("record-greeting-saved")
def greeting_recorded():
    script = greetings.set_audio(db.session, _script(), request.form.get("RecordingUrl") or None)
    response = VoiceResponse()
    speak(response, "voicemail", "record_greeting_saved")
    if script.audio_url:
        response.play(script.audio_url)
    response.hangup()
    return response


@twilio_blueprint.get("/media/greetings/<name>")
def greeting_media(name):
    """Uploaded greeting recordings, fetched by Twilio's ``<Play>`` (public: greetings are not confidential)."""
    folder = Path(current_app.config["INSTANCE_DIR"]) / greetings.AUDIO_FOLDER
    return send_from_directory(folder, name, max_age=300)
