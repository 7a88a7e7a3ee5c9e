"""Agent calls with a transcript, for the QA checks' tests."""

from datetime import timedelta

from crm.core import clock
from crm.models import Call, CallUtterance

GREETING = "您好，工号{job_no}为您服务，请问您有什么问题？"
CLOSING = "感谢您的来电，再见！"


def agent_call(session, agent, *agent_says, sid=None, **fields):
    """An ended, answered inbound call ``agent`` took, in which they said ``agent_says`` (4 s apart)."""
    started = clock.now()
    call = Call(
        **{
            "sid": sid or f"CA-qa-{agent.id}",
            "direction": "inbound",
            "branch_id": agent.branch_id,
            "agent_id": agent.id,
            "outcome": "answered",
            "started_at": started,
            "answered_at": started,
            "ended_at": started + timedelta(minutes=2),
            "duration_seconds": 120,
            **fields,
        }
    )
    session.add(call)
    session.flush()
    say(session, call, *agent_says)
    session.commit()
    return call


def say(session, call, *agent_says, first=1):
    for n, text in enumerate(agent_says, start=first):
        session.add(
            CallUtterance(
                call_id=call.id,
                sequence=n,
                speaker="agent",
                text=text.format(job_no=call.agent.job_no),
                spoken_at=call.started_at + timedelta(seconds=4 * n),
                offset_seconds=4 * n,
            )
        )
    session.flush()
