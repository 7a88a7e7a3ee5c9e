"""Demo phone traffic (issue 11): what the call-quality report, QA and the activity counts read.

Over the given working days each branch's hotline takes inbound calls that walk the IVR's real
outcomes: the caller asks for an agent (offered) and an agent answers after a wait in the queue, or the
caller hangs up in the queue or while an agent's phone rings, or leaves a voicemail; a few call out of
hours and are never offered. The agents ring their own customers too: contacts of 30 s or more
(``call_log.CONTACT_MIN_SECONDS``), shorter calls that do not count, and a few nobody picks up.

Each call is one row with the facts the IVR and Twilio's callbacks write (``crm.services.calls.call_log``,
README "Call-quality report"), without the events behind them: replaying a thousand calls webhook by
webhook would slow the first start for nothing the report or the checks read. A share of the answered
inbound calls has a transcript — mostly the greeting with the agent's job number and the closing, a few
without the job number or with a forbidden phrase — which the QA sweep then checks as the worker does.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from crm.core import clock
from crm.models import Call, CallUtterance, CustomerPhone
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.quality import qa_checks

INBOUND_PER_BRANCH_DAY = (10, 16)
OUT_OF_HOURS_PER_BRANCH_DAY = (0, 2)
OUTBOUND_PER_AGENT_DAY = (1, 3)
TRANSCRIBED_SHARE = 0.12
# What becomes of an offered call, by weight.
FATES = {"answered": 80, "abandoned_in_queue": 8, "abandoned_ringing": 5, "voicemail": 7}
# An agent's outbound call: a contact (≥ 30 s), a short call, or no answer, by weight.
OUTBOUND = {"contact": 70, "short": 20, "no_answer": 10}
MEAN_QUEUE_WAIT = 12  # seconds; about four in five calls are answered within the 20 s service level
# What customers ask and what the agent answers (no names, numbers or accounts).
EXCHANGES = (
    ("我想问一下今天的委托为什么没有成交。", "您的委托价格低于成交价，委托仍在排队，收盘前未成交会自动撤单。"),
    ("请问融资融券的开通条件是什么？", "需要开户满半年、前二十个交易日日均资产不低于五十万元，并完成风险测评。"),
    ("我的银证转账还没有到账。", "转账在交易时间内实时到账，我帮您查一下，请稍等。"),
    ("新股申购的额度是怎么计算的？", "额度按您前二十个交易日的日均持仓市值计算，每个市场分开算。"),
    ("手机上的交易软件登录不了。", "请您先升级到最新版本，如果还不行，我们安排技术人员回电。"),
)
FORBIDDEN_SAID = ("刚才和你说过了，怎么还问？", "你问我，我问谁。")
# Chinese numerals as a job number is read on the phone, digit by digit (幺 is "one").
SPOKEN_DIGITS = dict(zip("0123456789", "零幺二三四五六七八九", strict=True))


def working_days(session, today, count):
    """The last ``count`` working days before ``today``, oldest first."""
    calendar = installation_calendar(session)
    days, day = [], today
    while len(days) < count:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            days.append(day)
    return days[::-1]


def seed_calls(session, rnd, days, agents, customers):
    """The calls of ``days``: inbound to each branch of ``agents``, outbound from each agent to their
    customers; a share transcribed. Returns the calls written."""
    first_phone = select(CustomerPhone.customer_id, func.min(CustomerPhone.e164)).group_by(CustomerPhone.customer_id)
    phones = dict(session.execute(first_phone).all())
    reachable = [customer for customer in customers if customer.id in phones]
    branches = {agent.branch_id: agent.branch for agent in agents}
    written = []
    for day in days:
        for branch_id, branch in branches.items():
            team = [agent for agent in agents if agent.branch_id == branch_id]
            callers = [customer for customer in reachable if customer.branch_id == branch_id]
            traffic = _Traffic(rnd, day, branch, phones)
            written += [traffic.inbound(team, callers) for _ in range(rnd.randint(*INBOUND_PER_BRANCH_DAY))]
            written += [traffic.out_of_hours(callers) for _ in range(rnd.randint(*OUT_OF_HOURS_PER_BRANCH_DAY))]
            for agent in team:
                own = [customer for customer in callers if customer.manager_id == agent.id]
                count = rnd.randint(*OUTBOUND_PER_AGENT_DAY) if own else 0
                written += [traffic.outbound(agent, rnd.choice(own)) for _ in range(count)]
    session.add_all(written)
    session.flush()
    _transcribe(session, rnd, [call for call in written if _agent_took(call)])
    return written


def check_quality(session):
    """Run the QA sweep until no call is owed a check; how many were checked."""
    checked = total = qa_checks.sweep(session)
    while checked:
        checked = qa_checks.sweep(session)
        total += checked
    return total


def answered_inbound(calls):
    """The calls an agent took from a known customer."""
    return [call for call in calls if _agent_took(call) and call.customer_id is not None]


def _agent_took(call):
    return call.direction == "inbound" and call.agent_id is not None


class _Traffic:
    """One branch's calls of one day."""

    def __init__(self, rnd, day, branch, phones):
        self.rnd, self.day, self.branch, self.phones = rnd, day, branch, phones

    def at(self, hour, within_seconds):
        local = datetime.combine(self.day, time(hour), tzinfo=clock.zone())
        return clock.as_utc(local + timedelta(seconds=self.rnd.randint(0, within_seconds)))

    def call(self, direction, start, customer, **facts):
        sid = f"CA{self.rnd.getrandbits(128):032x}"
        number = self.phones.get(customer.id) if customer else f"+861{self.rnd.randint(3 * 10**9, 9 * 10**9)}"
        ends = (number, self.branch.hotline) if direction == "inbound" else (self.branch.hotline, number)
        return Call(
            sid=sid,
            direction=direction,
            from_number=ends[0],
            to_number=ends[1],
            branch_id=self.branch.id,
            customer_id=customer.id if customer else None,
            status="completed",
            started_at=start,
            **facts,
        )

    def inbound(self, team, callers):
        """An offered call to the hotline in business hours (9:00–17:00) and what became of it."""
        rnd = self.rnd
        customer = rnd.choice(callers) if callers and rnd.random() < 0.85 else None
        start = self.at(9, 8 * 3600)
        offered = start + timedelta(seconds=rnd.randint(10, 40))  # the menu, then key 1 or 0
        fate = rnd.choices(list(FATES), weights=list(FATES.values()))[0]
        if fate == "answered":
            wait = min(180, int(rnd.expovariate(1 / MEAN_QUEUE_WAIT)))
            answered = offered + timedelta(seconds=wait)
            talk = rnd.randint(45, 480)
            facts = {
                "agent_id": rnd.choice(team).id,
                "outcome": "answered",
                "first_ring_at": answered - timedelta(seconds=min(wait, rnd.randint(3, 10))),
                "answered_at": answered,
                "queue_wait_seconds": wait,
                "talk_seconds": talk,
                "ended_at": answered + timedelta(seconds=talk),
            }
        elif fate == "abandoned_in_queue":
            facts = {"outcome": "abandoned", "ended_at": offered + timedelta(seconds=rnd.randint(15, 120))}
        else:
            ring = offered + timedelta(seconds=rnd.randint(2, 40))
            after = rnd.randint(5, 25) if fate == "abandoned_ringing" else rnd.randint(40, 90)
            outcome = "abandoned" if fate == "abandoned_ringing" else "voicemail"
            facts = {"outcome": outcome, "first_ring_at": ring, "ended_at": ring + timedelta(seconds=after)}
        line = "wealth_club" if customer is not None and customer.is_vip else "hotline"
        call = self.call("inbound", start, customer, line=line, offered_at=offered, **facts)
        call.duration_seconds = int((call.ended_at - start).total_seconds())
        return call

    def out_of_hours(self, callers):
        """A call in the evening: the closed message plays, nobody is offered it, the caller hangs up."""
        customer = self.rnd.choice(callers) if callers else None
        start = self.at(19, 3 * 3600)
        seconds = self.rnd.randint(15, 40)
        end = start + timedelta(seconds=seconds)
        return self.call(
            "inbound", start, customer, line="hotline", outcome="abandoned", ended_at=end, duration_seconds=seconds
        )

    def outbound(self, agent, customer):
        """An agent rings one of their customers from the softphone."""
        rnd = self.rnd
        start = self.at(9, 8 * 3600)
        kind = rnd.choices(list(OUTBOUND), weights=list(OUTBOUND.values()))[0]
        if kind == "no_answer":
            end = start + timedelta(seconds=rnd.randint(20, 40))
            return self.call(
                "outbound", start, customer, agent_id=agent.id, outcome="no_answer", ended_at=end, duration_seconds=0
            )
        answered = start + timedelta(seconds=rnd.randint(5, 20))
        talk = rnd.randint(40, 360) if kind == "contact" else rnd.randint(8, 28)
        end = answered + timedelta(seconds=talk)
        facts = {"agent_id": agent.id, "outcome": "answered", "answered_at": answered, "ended_at": end}
        return self.call("outbound", start, customer, duration_seconds=talk, **facts)


def _transcribe(session, rnd, calls):
    """Utterances for a share of the answered calls, as the real-time transcription stores them."""
    rows = []
    for call in calls:
        if rnd.random() < TRANSCRIBED_SHARE:
            rows += _utterances(rnd, call)
    session.add_all(rows)
    session.flush()


def _utterances(rnd, call):
    question, answer = rnd.choice(EXCHANGES)
    luck = rnd.random()
    if luck < 0.08:
        greeting = "您好，请问有什么可以帮您？"  # the job number forgotten
    else:
        greeting = f"您好，{_job_number(rnd, call.agent.job_no)}号为您服务，请问有什么可以帮您？"
    lines = [("agent", greeting), ("customer", question), ("agent", answer)]
    if 0.08 <= luck < 0.14:
        lines += [("customer", "您能再说一遍吗？"), ("agent", rnd.choice(FORBIDDEN_SAID))]
    lines += [("customer", "好的，谢谢。"), ("agent", "不客气，感谢您的来电，再见。")]
    step = max(1, call.talk_seconds // len(lines))
    return [
        CallUtterance(
            call_id=call.id,
            sequence=sequence,
            speaker=speaker,
            text=text,
            spoken_at=call.answered_at + timedelta(seconds=sequence * step),
            offset_seconds=sequence * step,
        )
        for sequence, (speaker, text) in enumerate(lines)
    ]


def _job_number(rnd, job_no):
    """The job number as speech-to-text writes it: in digits, or in spoken numerals."""
    return job_no if rnd.random() < 0.5 else "".join(SPOKEN_DIGITS.get(digit, digit) for digit in job_no)
