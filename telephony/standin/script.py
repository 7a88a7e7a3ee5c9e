"""What a walked call's far end does (``Callee``) and what happened on the call (``Transcript``)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Callee:
    """How the far end behaves.

    ``answer``: human | machine | busy | no-answer | failed. ``keys``: what is pressed at each
    ``<Gather>`` in turn (none left → silence, the Gather times out). ``hangup_after``: hang
    up once that many prompts were heard. ``agent_answers``: whether a dialled client/number
    picks up — True, False, or the dialled identities that do (e.g. ``{"agent-9001"}``).
    ``record_text``: what is said into a ``<Record>`` (None: silence, nothing recorded).
    ``utterances``: what is said once a ``<Dial>`` connects, as ``(speaker, text)`` pairs in order,
    speaker ``agent`` or ``customer``; ``{job_no}`` in a text is the dialled agent's job number (their
    softphone identity ``agent-<job no>``). ``browser``: a dialled client is a real browser
    (``client_legs``): the walk waits for it (``ring_seconds``, default the Dial's timeout) and, once
    answered, for either side to hang up (the caller after ``talk_seconds`` real seconds).
    """

    answer: str = "human"
    keys: tuple = ()
    hangup_after: int | None = None
    agent_answers: bool | frozenset = True
    record_text: str | None = None
    talk_seconds: int = 30
    utterances: tuple = ()
    browser: bool = False
    ring_seconds: float | None = None
    browser_caller: tuple | None = None

    def answers_dial(self, target):
        if isinstance(self.agent_answers, bool):
            return self.agent_answers
        return target in self.agent_answers or target.removeprefix("client:") in self.agent_answers


@dataclass
class Transcript:
    """What happened on a walked call, in order (``lines``) and by kind."""

    call_sid: str
    status: str = "completed"
    answered_by: str | None = None
    duration: int = 0
    heard: list = field(default_factory=list)
    keys: list = field(default_factory=list)
    dials: list = field(default_factory=list)
    recordings: list = field(default_factory=list)
    webhooks: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    lines: list = field(default_factory=list)

    def hear(self, text):
        self.heard.append(text)
        self.lines.append(f"heard: {text}")

    def note(self, line):
        self.lines.append(line)
