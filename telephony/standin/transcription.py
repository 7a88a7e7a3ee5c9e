"""The stand-in's real-time transcription: a connected call's scripted utterances, replayed as the
events Twilio's ``<Start><Transcription>`` posts to its ``statusCallbackUrl``.

Each event carries Twilio's parameters: ``TranscriptionEvent`` (``transcription-started``, then one
``transcription-content`` per utterance), a ``SequenceId`` counting up from 1, an ISO-8601
``Timestamp``, and for content the ``Track`` heard, ``TranscriptionData`` (JSON with ``transcript``
and ``confidence``) and ``Final``. Tracks are the call leg's that ran the ``<Start>``: its caller is
``inbound_track``, whoever Twilio connected them to ``outbound_track``.
"""

import json
from datetime import timedelta

# Simulated seconds between two scripted utterances of a connected call.
UTTERANCE_SECONDS = 4
AGENT_PREFIX = "client:agent-"


class TranscriptionReplay:
    """One call's transcription: ``send(url, params)`` posts a signed event of the call."""

    def __init__(self, send, url, call_sid, started_at):
        self.send, self.url, self.started_at = send, url, started_at
        self.transcription_sid = "GT" + call_sid[2:]
        self.sequence = 0
        self.event("transcription-started", 0)

    def speak(self, utterances, caller, answered, at_second):
        """``utterances`` (``(speaker, text)``) of ``caller``'s call connected to ``answered`` (a dial target),
        from ``at_second`` of the call. A dialled client is the agent (an inbound call); a dialled number is
        the customer, so the caller is the agent (a softphone's call). ``{job_no}`` is the agent's."""
        agent_dialled = answered.startswith(AGENT_PREFIX)
        tracks = {
            "agent": "outbound_track" if agent_dialled else "inbound_track",
            "customer": "inbound_track" if agent_dialled else "outbound_track",
        }
        job_no = (answered if agent_dialled else caller).removeprefix(AGENT_PREFIX)
        for n, (speaker, text) in enumerate(utterances):
            data = {"transcript": text.replace("{job_no}", job_no), "confidence": 0.95}
            self.event(
                "transcription-content",
                at_second + n * UTTERANCE_SECONDS,
                Track=tracks[speaker],
                TranscriptionData=json.dumps(data, ensure_ascii=False),
                Final="true",
            )

    def event(self, name, at_second, **extra):
        self.sequence += 1
        params = {
            "TranscriptionSid": self.transcription_sid,
            "TranscriptionEvent": name,
            "SequenceId": str(self.sequence),
            "Timestamp": (self.started_at + timedelta(seconds=at_second)).isoformat(),
            "LanguageCode": "zh-CN",
            **extra,
        }
        self.send(self.url, params)
