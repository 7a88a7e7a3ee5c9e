"""An admin's changes to a survey's texts (issue 12 item 3): its name, opening, closing and language, and
each question's prompt.

What is not editable, and why: a question's kind, its keypad digits and their meanings, and which answers
reopen the case. Answers are stored as the digit pressed, the call-quality report counts digit 1 of the
attitude question as "satisfied", and ``reopen_on`` names digits; changing them would silently
re-label the answers already given. Such a change is a new survey, made with a release.

The texts are spoken to customers, so they follow the rules of every text to a customer: not blank, not
too long, no forbidden marketing words (``wording``), and only the placeholders the survey call fills
in (a typo such as ``{brnach}`` would otherwise be read out). The call reads the survey afresh at each
step (``runs.get_run``), so the next call, and the next step of a call under way, speaks the new text.

The project's audit trail (``org.audit``) is the customer's; admin edits of installation data (scripts,
deadline policies) are not audited there. The change is logged with the admin's id and the fields'
names (never their texts).
"""

import logging
from string import Formatter

from crm.errors import InvalidInput, NotFound
from crm.models import SurveyQuestion
from crm.services.org.wording import refuse_marketing_words
from crm.services.surveys import runs
from crm.services.surveys.default_surveys import VISIT_SURVEY

log = logging.getLogger(__name__)

# The languages the survey call can speak (telephony/twiml.py SPOKEN: Mandarin and English).
LANGUAGES = ("zh-CN", "en-US")
NAME_MAX = 120  # Survey.name's column
TEXT_MAX = 1000
SURVEY_TEXTS = ("name", "opening", "closing")
SPOKEN_TEXTS = ("opening", "closing")  # the name is the staff's label, never heard
# What ``runs.text_for`` fills in: every survey's branch and hotline, a visit check's manager and date too.
PLACEHOLDERS = ("branch", "hotline")
VISIT_PLACEHOLDERS = (*PLACEHOLDERS, "manager", "date")


def change_survey(session, actor, survey_id, changes):
    """Apply ``changes`` (any of name, opening, closing, language) to the survey; 422 naming the fields."""
    survey = runs.get_survey(session, survey_id)
    changes = {name: _stripped(value) for name, value in changes.items()}
    errors = {}
    for name in SURVEY_TEXTS:
        if name in changes:
            _check_text(errors, name, changes[name], NAME_MAX if name == "name" else TEXT_MAX)
    for name in SPOKEN_TEXTS:
        if name in changes and name not in errors:
            _check_placeholders(errors, name, changes[name], survey)
    if "language" in changes and changes["language"] not in LANGUAGES:
        errors["language"] = [f"One of {', '.join(LANGUAGES)}."]
    _raise_if(errors)
    refuse_marketing_words(session, **{name: changes[name] for name in SPOKEN_TEXTS if name in changes})
    _apply(survey, changes, actor, f"survey {survey.id}")
    return survey


def change_question(session, actor, survey_id, question_id, changes):
    """Change a question's ``prompt``; 404 when the question is not one of the survey's."""
    survey = runs.get_survey(session, survey_id)
    question = session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id:
        raise NotFound(f"No question {question_id} in survey {survey_id}.")
    changes = {name: _stripped(value) for name, value in changes.items()}
    errors = {}
    if "prompt" in changes:
        _check_text(errors, "prompt", changes["prompt"], TEXT_MAX)
        if "prompt" not in errors:
            _check_placeholders(errors, "prompt", changes["prompt"], survey)
    _raise_if(errors)
    if "prompt" in changes:
        refuse_marketing_words(session, prompt=changes["prompt"])
    _apply(question, changes, actor, f"survey {survey.id} question {question.id}")
    return question


def placeholders_of(survey):
    return VISIT_PLACEHOLDERS if survey.code == VISIT_SURVEY else PLACEHOLDERS


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _check_text(errors, name, text, maximum):
    if not text:
        errors[name] = ["Must not be blank."]
    elif len(text) > maximum:
        errors[name] = [f"At most {maximum} characters."]


def _check_placeholders(errors, name, text, survey):
    allowed = placeholders_of(survey)
    try:
        used = [field for _, field, _, _ in Formatter().parse(text) if field is not None]
    except ValueError as exc:  # a lone "{" or "}"
        errors[name] = [f"Broken placeholder: {exc}."]
        return
    unknown = [field for field in used if field not in allowed]
    if unknown:
        known = ", ".join("{" + field + "}" for field in allowed)
        errors[name] = [f"Unknown placeholder {{{unknown[0]}}}; use {known}."]


def _raise_if(errors):
    if errors:
        raise InvalidInput("The survey text is not valid.", errors)


def _apply(row, changes, actor, what):
    changed = sorted(name for name, value in changes.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, changes[name])
    if changed:
        log.info("staff %s changed %s of %s", actor.id, ", ".join(changed), what)
