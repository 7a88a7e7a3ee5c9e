"""What the agent says when they pick up (DOMAIN §6): the scripted pick-up phrase with their job number,
today's holiday variant inside its dates, and the forbidden phrases QA listens for."""

from dataclasses import dataclass

from crm.core import clock
from crm.errors import NotFound
from crm.services.calls import greetings
from crm.services.quality import qa_phrases


@dataclass(frozen=True)
class AgentGreeting:
    text: str | None  # None: no pick-up script is configured
    holiday: bool
    forbidden: tuple[str, ...]


def agent_greeting(session, agent, call=None, at=None):
    """The pick-up phrase for ``agent`` (on ``call``'s line when given) at ``at`` (now)."""
    at = at or clock.now()
    line = call.line if call is not None else None
    try:
        phrase = greetings.phrase(
            session, "agent_pickup", "agent_pickup", at, line=line, branch=agent.branch, agent=agent
        )
    except NotFound:
        phrase = None
    return AgentGreeting(
        text=phrase.text if phrase else None,
        holiday=bool(phrase and phrase.holiday),
        forbidden=forbidden_phrases(session),
    )


def forbidden_phrases(session):
    """The active forbidden phrases QA checks; the defaults while none are stored yet."""
    stored = qa_phrases.active_by_kind(session).get("forbidden")
    return tuple(phrase.text for phrase in stored) if stored else qa_phrases.FORBIDDEN
