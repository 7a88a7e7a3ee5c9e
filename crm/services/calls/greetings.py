"""Which scripted phrase plays — DOMAIN §6 — and the admin's changes to scripts.

A phrase is found by purpose and name (and line for the line greetings). Among the active
candidates, a holiday variant whose date range holds the local date wins over the standard
phrase; then a script for the exact line beats one for every line, and a branch's own beats
the installation's. Texts are filled with ``{branch}``, ``{agent_no}`` and ``{hotline}``;
an unknown placeholder is left as written rather than failing a caller's call.
"""

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from crm.core.clock import as_utc
from crm.core.filters import where_given
from crm.core.memo import forget, per_transaction
from crm.errors import InvalidInput, NotFound
from crm.models import PhoneLine, Script
from crm.models.telephony import LINES, SCRIPT_PURPOSES
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.org.organisation import branch_by_id
from crm.services.org.reference_cache import cached

MEMO_KEY = "active_scripts"
SCRIPT_FIELDS = ("purpose", "line", "branch_id", "name", "text", "language", "audio_url", "valid_from", "valid_to")


@dataclass(frozen=True)
class ScriptInfo:
    """An active script as cached per process (``reference_cache``): the columns a phrase needs."""

    id: int
    purpose: str
    line: str | None
    branch_id: int | None
    name: str
    text: str
    language: str
    audio_url: str | None
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class Phrase:
    """What a caller hears: the recording when there is one, else ``text`` spoken in ``language``."""

    script_id: int | None
    text: str
    audio_url: str | None
    language: str = "zh-CN"
    holiday: bool = False


class _Variables(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def fill(text, branch=None, agent=None):
    """``text`` with {branch}, {agent_no} and {hotline} filled in."""
    values = _Variables()
    if branch is not None:
        values.update(branch=branch.name, hotline=branch.hotline or "")
    if agent is not None:
        values["agent_no"] = agent.job_no
    return text.format_map(values)


def local_date(session, at):
    return as_utc(at).astimezone(installation_calendar(session).zone).date()


def script_for(session, purpose, name, at, line=None, branch=None):
    """The Script row that plays for ``purpose``/``name`` on ``line`` at instant ``at``; None if none."""
    day = local_date(session, at)
    scripts = _active_scripts(session, line, branch)
    candidates = [s for s in scripts if (s.purpose, s.name) == (purpose, name) and _in_force(s, day)]
    return max(candidates, key=lambda s: _rank(s, line), default=None)


def _active_scripts(session, line, branch):
    """Every active script that may play on ``line`` for ``branch``, as snapshots kept per process
    until a change to the scripts bumps the reference version (``reference_cache``)."""
    branch_id = branch.id if branch else None

    def load():
        stmt = select(*(getattr(Script, name) for name in ScriptInfo.__dataclass_fields__))
        stmt = stmt.where(Script.is_active.is_(True))
        stmt = stmt.where((Script.line == line) | Script.line.is_(None))
        stmt = stmt.where((Script.branch_id == branch_id) | Script.branch_id.is_(None))
        return tuple(ScriptInfo(*row) for row in session.execute(stmt))

    return per_transaction(
        session, (MEMO_KEY, line, branch_id), lambda: cached(session, (MEMO_KEY, line, branch_id), load)
    )


def _in_force(script, day: date):
    """Standard phrases always; a variant from ``valid_from`` to ``valid_to`` (open-ended without it)."""
    if script.valid_from is None:
        return True
    return script.valid_from <= day and (script.valid_to is None or day <= script.valid_to)


def _rank(script, line):
    """Holiday variant first (the one starting latest), then exact line, then a branch's own."""
    return (
        script.valid_from or date.min,
        script.line == line,
        script.branch_id is not None,
        script.id,
    )


def phrase(session, purpose, name, at, line=None, branch=None, agent=None):
    """The filled-in ``Phrase`` for a prompt; raises NotFound when no script exists for it."""
    script = script_for(session, purpose, name, at, line=line, branch=branch)
    if script is None:
        raise NotFound(f"No active script for {purpose}/{name}.", {"purpose": [purpose], "name": [name]})
    return Phrase(
        script_id=script.id,
        text=fill(script.text, branch=branch, agent=agent),
        audio_url=script.audio_url,
        language=script.language,
        holiday=script.valid_from is not None,
    )


def greeting_for(session, line, at, branch=None, agent=None):
    """The greeting a caller on ``line`` hears at ``at`` (holiday variant inside its dates)."""
    return phrase(session, "greeting", "greeting", at, line=line, branch=branch, agent=agent)


def preview(session, line, at):
    """The greeting on ``line`` at ``at``, for the first branch answering that line (admin preview)."""
    if line not in LINES:
        raise InvalidInput(f"Unknown line {line!r}.", {"line": [f"One of {', '.join(LINES)}."]})
    phone_line = session.scalars(select(PhoneLine).where(PhoneLine.line == line).order_by(PhoneLine.id)).first()
    branch = phone_line.branch if phone_line else None
    return greeting_for(session, line, at, branch=branch), branch


# --- the admin's changes ------------------------------------------------------------------


def scripts_query(purpose=None, line=None):
    stmt = select(Script).order_by(Script.purpose, Script.name, Script.line, Script.valid_from, Script.id)
    return where_given(stmt, {Script.purpose: purpose, Script.line: line})


def get_script(session, script_id):
    script = session.get(Script, script_id)
    if script is None:
        raise NotFound(f"No script {script_id}.")
    return script


def create_script(session, data):
    script = Script(**{name: data[name] for name in SCRIPT_FIELDS if name in data})
    if "is_active" in data:
        script.is_active = data["is_active"]
    _validate(session, script)
    session.add(script)
    session.flush()
    forget(session, MEMO_KEY)
    return script


def update_script(session, script, changes):
    for name, value in changes.items():
        setattr(script, name, value)
    _validate(session, script)
    session.flush()
    forget(session, MEMO_KEY)
    return script


def delete_script(session, script):
    session.delete(script)
    session.flush()
    forget(session, MEMO_KEY)


def set_audio(session, script, audio_url):
    """The recording played instead of the text (an upload, a URL, or a recording made by phone)."""
    script.audio_url = audio_url
    session.flush()
    return script


def _validate(session, script):
    """One rule set for a new and a changed script."""
    branch_by_id(session, script.branch_id)  # an unknown branch is a 422 naming branch_id
    if script.purpose not in SCRIPT_PURPOSES:
        raise InvalidInput(f"Unknown purpose {script.purpose!r}.", {"purpose": ["Unknown purpose."]})
    if script.valid_to is not None and script.valid_from is None:
        raise InvalidInput("A date range needs its first day.", {"valid_from": ["Required with valid_to."]})
    if script.valid_from and script.valid_to and script.valid_to < script.valid_from:
        raise InvalidInput("The range ends before it starts.", {"valid_to": ["Must not be before valid_from."]})
    try:
        fill(script.text)
    except (ValueError, IndexError) as exc:
        raise InvalidInput("The text has a broken placeholder.", {"text": [str(exc)]}) from exc


AUDIO_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav"}
AUDIO_MAX_BYTES = 5 * 1024 * 1024
AUDIO_FOLDER = "greetings"


def store_audio(session, script, filename, data, folder, base_url):
    """Save an uploaded recording under ``folder``/greetings and make it the script's audio.

    ``base_url`` is where that folder is served (the media route); returns the stored file's name.
    """
    suffix = Path(filename or "").suffix.lower()
    if suffix not in AUDIO_TYPES:
        raise InvalidInput("Upload an .mp3 or .wav file.", {"file": [f"One of {', '.join(AUDIO_TYPES)}."]})
    if not data or len(data) > AUDIO_MAX_BYTES:
        raise InvalidInput("The file is empty or larger than 5 MB.", {"file": ["Between 1 byte and 5 MB."]})
    name = f"script-{script.id}-{secrets.token_hex(8)}{suffix}"
    target = Path(folder) / AUDIO_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(data)
    set_audio(session, script, f"{base_url.rstrip('/')}/{name}")
    return name
