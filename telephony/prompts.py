"""Scripted prompts in TwiML: the phrase for a purpose, played from its recording or spoken (DOMAIN §6)."""

from crm.core.clock import now
from crm.extensions import db
from crm.services.calls import greetings
from telephony.twiml import play_or_say


def speak(node, purpose, name, route=None, agent=None):
    """Add the current script for ``purpose``/``name`` (the caller's line and branch) to ``node``."""
    line = route.line if route is not None else None
    branch = route.branch if route is not None else None
    phrase = greetings.phrase(db.session, purpose, name, now(), line=line, branch=branch, agent=agent)
    play_or_say(node, phrase.text, phrase.audio_url, phrase.language)


def greet(node, route):
    phrase = greetings.greeting_for(db.session, route.line, now(), branch=route.branch)
    play_or_say(node, phrase.text, phrase.audio_url, phrase.language)
