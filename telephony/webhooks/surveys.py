"""The callback survey call — DOMAIN §7, issue 5 §7. The dialer places it with ``/twilio/surveys/<run>/start``.

start (answering machine → hang up; else the opening, which says who is calling) → opening key
(1 go on; 2 not now: booked for the same time on the next working day, then the next openings are
offered by key and the one pressed moves the booking there) → each question in a ``<Gather>`` (a score is
keyed digits ending with ``#``; a voice question is a ``<Record>``) → the closing. Each answer
is one request and one commit, so a hang-up keeps the answers so far. The call's status
callback (``/status``) logs the call and retries, rebooks or closes the run.
"""

from datetime import UTC, datetime
from functools import wraps

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from twilio.twiml.voice_response import VoiceResponse

from crm.core.clock import now
from crm.extensions import db
from crm.i18n import current_language, in_language
from crm.services.surveys import dialer, openings, runs
from telephony.blueprint import twilio_blueprint
from telephony.security import twilio_webhook
from telephony.twiml import ONE_KEY, SILENCE_SECONDS, key_menu, say

# A score is keyed as digits ended by # (10 is two keys).
SCORE_KEYS = {"finish_on_key": "#"}
RECORD_MAX_SECONDS = 60
# Spoken in the survey's language (``Survey.language``), like its own texts.
INVALID = _l("Sorry, that key is not valid.")
NO_RESPONSE = _l("We will call you again later. Goodbye!")


def survey_step(view):
    """A step of the survey call: the view is given the run of the URL's ``run_id`` (``runs.get_run``, loaded
    once), and every text of the step (the survey's own and the built-in ones) is in the survey's language."""

    @wraps(view)
    def step(run_id, **kwargs):
        run = runs.get_run(db.session, run_id)
        with in_language(run.survey.language):
            return view(run, **kwargs)

    return step


def _sid():
    return request.form.get("CallSid", "")


def _try():
    return request.args.get("try", 1, type=int)


@twilio_blueprint.post("/surveys/<int:run_id>/start")
@twilio_webhook("survey-start")
@survey_step
def survey_start(run):
    response = VoiceResponse()
    if request.form.get("AnsweredBy", "").startswith(("machine", "fax")):
        dialer.machine_answered(db.session, run, _sid())
    elif run.state == "calling":
        return opening(response, run, 1)
    response.hangup()  # a machine, or a run no longer waiting for this call: nothing to say
    return response


def opening(response, run, attempt):
    target = url_for("twilio.survey_opening", run_id=run.id, **{"try": attempt})
    text = runs.text_for(db.session, run, run.survey.opening)
    return key_menu(response, target, lambda gather: say(gather, text, run.survey.language))


@twilio_blueprint.post("/surveys/<int:run_id>/opening")
@twilio_webhook("survey-opening")
@survey_step
def survey_opening(run):
    choice = runs.opening_choice(request.form.get("Digits"))
    response = VoiceResponse()
    if choice == "go":
        if runs.begin(db.session, run, _sid()):
            return ask(response, run, runs.next_question(run), 1)
    elif choice == "rebook":
        dialer.rebook(db.session, run, _sid())  # kept when no opening is picked
        return offer_openings(response, run, int(now().timestamp()), 1)
    elif again := runs.ask_again(_try(), request.form.get("Digits")):
        return opening(_before_asking_again(response, again), run, _try() + 1)
    say(response, NO_RESPONSE, run.survey.language)
    response.hangup()
    return response


def offer_openings(response, run, asked, attempt):
    """The next openings after the instant ``asked`` (epoch seconds), one key each; ``asked`` rides in the URL
    so the key is read against the list the customer heard."""
    offered = openings.openings(db.session, datetime.fromtimestamp(asked, UTC))
    target = url_for("twilio.survey_rebook", run_id=run.id, asked=asked, **{"try": attempt})
    return key_menu(response, target, lambda gather: say(gather, openings.offer_text(offered), run.survey.language))


@twilio_blueprint.post("/surveys/<int:run_id>/rebook")
@twilio_webhook("survey-rebook")
@survey_step
def survey_rebook(run):
    asked = request.args.get("asked", type=int) or int(now().timestamp())
    offered = openings.openings(db.session, datetime.fromtimestamp(asked, UTC))
    response = VoiceResponse()
    if opening := openings.picked(offered, request.form.get("Digits")):
        dialer.book(db.session, run, _sid(), opening.at)
    elif again := runs.ask_again(_try(), request.form.get("Digits")):
        return offer_openings(_before_asking_again(response, again), run, asked, _try() + 1)
    if run.state == "scheduled" and run.next_attempt_at:
        when = runs.spoken_time(db.session, run.next_attempt_at)
        say(response, _("Fine, we will call you again on %(when)s. Goodbye!", when=when), run.survey.language)
    else:
        say(response, NO_RESPONSE, run.survey.language)
    response.hangup()
    return response


def _before_asking_again(response, reason):
    """A wrong key is apologised for before the prompt is heard again; silence just hears it again."""
    if reason == "wrong_key":
        say(response, INVALID, current_language())
    return response


def ask(response, run, question, attempt):
    """The question in a ``<Gather>`` (or a ``<Record>`` for a voice question); the closing after the last."""
    if question is None:
        return close(response, run)
    target = url_for("twilio.survey_answer", run_id=run.id, position=question.position, **{"try": attempt})
    prompt = runs.text_for(db.session, run, question.prompt)
    if question.kind == "voice":
        say(response, prompt, run.survey.language)
        transcribed = url_for("twilio.survey_transcription", run_id=run.id, position=question.position)
        response.record(
            action=target,
            method="POST",
            max_length=RECORD_MAX_SECONDS,
            finish_on_key="#",
            play_beep=True,
            timeout=SILENCE_SECONDS,
            transcribe=True,
            transcribe_callback=transcribed,
        )
        # Nothing recorded: Twilio skips the action and goes on here.
        response.redirect(target, method="POST")
        return response
    keys = SCORE_KEYS if question.kind == "score" else ONE_KEY
    return key_menu(response, target, lambda gather: say(gather, prompt, run.survey.language), keys)


def close(response, run):
    runs.complete(db.session, run)
    say(response, runs.text_for(db.session, run, run.survey.closing), run.survey.language)
    response.hangup()
    return response


@twilio_blueprint.post("/surveys/<int:run_id>/questions/<int:position>")
@twilio_webhook("survey-answer", look_up_first=False)  # one answer per question: a repeat records nothing
@survey_step
def survey_answer(run, position):
    question = runs.question_at(run, position)
    response = VoiceResponse()
    if question is None:
        return close(response, run)
    if question.kind == "voice":
        if request.form.get("RecordingUrl"):
            runs.record_answer(db.session, run, question, recording_url=request.form["RecordingUrl"], call_sid=_sid())
        return ask(response, run, runs.next_question(run, question), 1)
    value = runs.valid_answer(question, request.form.get("Digits"))
    if value is not None:
        runs.record_answer(db.session, run, question, value, call_sid=_sid())
    elif again := runs.ask_again(_try(), request.form.get("Digits")):
        return ask(_before_asking_again(response, again), run, question, _try() + 1)
    return ask(response, run, runs.next_question(run, question), 1)


@twilio_blueprint.post("/surveys/<int:run_id>/questions/<int:position>/transcription")
@twilio_webhook("survey-transcription")
def survey_transcription(run_id, position):
    run = runs.get_run(db.session, run_id)
    question = runs.question_at(run, position)
    if question is not None:
        runs.record_transcription(db.session, run, question, request.form.get("TranscriptionText", ""))
    return VoiceResponse()


@twilio_blueprint.post("/surveys/<int:run_id>/status")
@twilio_webhook("survey-status")
def survey_status(run_id):
    form = request.form
    dialer.call_ended(
        db.session,
        runs.get_run(db.session, run_id),
        _sid(),
        form.get("CallStatus", ""),
        answered_by=form.get("AnsweredBy"),
        duration=form.get("CallDuration", type=int),
    )
    return VoiceResponse()
