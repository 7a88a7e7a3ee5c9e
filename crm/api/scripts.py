"""Scripts (规范用语, DOMAIN §6): everyone reads them, admins change them and their recordings."""

from flask import current_app
from flask_smorest import Blueprint

from crm.api.input_guard import upload
from crm.api.schemas.scripts import AudioFileIn, RecordCallOut, ScriptIn, ScriptOut, ScriptPatch, ScriptQuery
from crm.auth import current_staff, roles
from crm.errors import InvalidInput
from crm.extensions import db, queues
from crm.services.calls import greetings
from telephony.urls import public_url
from workers.calls import place_greeting_call

URL = "scripts"
blp = Blueprint("scripts", __name__, description="Greeting and IVR scripts with holiday variants and recordings")


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.arguments(ScriptQuery, location="query")
@blp.response(200, ScriptOut(many=True))
def list_scripts(args):
    """Every script, standard phrases and holiday variants, by purpose and name."""
    return db.session.scalars(greetings.scripts_query(**args)).all()


@blp.post("")
@roles("admin")
@blp.arguments(ScriptIn)
@blp.response(201, ScriptOut)
def create_script(data):
    """A new script; with ``valid_from``/``valid_to`` it is a holiday variant that wins inside its dates."""
    script = greetings.create_script(db.session, data)
    db.session.commit()
    return script


@blp.get("/<int:script_id>")
@roles("agent", "supervisor", "admin")
@blp.response(200, ScriptOut)
def get_script(script_id):
    return greetings.get_script(db.session, script_id)


@blp.patch("/<int:script_id>")
@roles("admin")
@blp.arguments(ScriptPatch)
@blp.response(200, ScriptOut)
def change_script(changes, script_id):
    """Change text, dates, line, activity, or ``audio_url`` (a recording kept elsewhere; null: speak the text)."""
    script = greetings.update_script(db.session, greetings.get_script(db.session, script_id), changes)
    db.session.commit()
    return script


@blp.delete("/<int:script_id>")
@roles("admin")
@blp.response(204)
def delete_script(script_id):
    greetings.delete_script(db.session, greetings.get_script(db.session, script_id))
    db.session.commit()


@blp.post("/<int:script_id>/audio")
@roles("admin")
@upload
@blp.arguments(AudioFileIn, location="files")
@blp.response(200, ScriptOut)
def upload_audio(files, script_id):
    """Upload an .mp3/.wav recording (multipart ``file``); the IVR plays it instead of speaking the text."""
    upload = files.get("file")
    if upload is None:
        raise InvalidInput("Attach the recording as the multipart field 'file'.", {"file": ["Required."]})
    script = greetings.get_script(db.session, script_id)
    greetings.store_audio(
        db.session, script, upload.filename, upload.read(), current_app.config["INSTANCE_DIR"], _media_base()
    )
    db.session.commit()
    return script


@blp.post("/<int:script_id>/record-call")
@roles("admin")
@blp.response(202, RecordCallOut)
def record_by_phone(script_id):
    """Ring the admin's own phone to record this script's audio (``<Record>``); the recording replaces it."""
    script = greetings.get_script(db.session, script_id)
    admin = current_staff()
    if not admin.phone:
        raise InvalidInput("Add your phone number to your profile first.", {"phone": ["Required to call you."]})
    queues.queue("telephony").enqueue(place_greeting_call, script.id, admin.phone)
    return {"script_id": script.id, "to": admin.phone, "status": "queued"}


def _media_base():
    """Where uploaded recordings are served, as an absolute URL Twilio can fetch (the media route's folder)."""
    return public_url("twilio.greeting_media", name="x").removesuffix("/x")
