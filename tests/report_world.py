"""A small, hand-counted world for the call-quality report: 13 calls, 3 surveys, 4 complaints, 5 deadlines.

The period is Mon 16 – Tue 17 November 2026 (Shanghai). Branch A has agents a1 and a2, branch B agent b1.
Each call's comment says what it is; ``EXPECTED`` (below) is counted by hand from them.
"""

from datetime import timedelta

from crm.models import Call, Case, CaseDeadline, ComplaintRecord, Survey, SurveyAnswer, SurveyRun
from crm.services.surveys.default_surveys import CASE_SURVEY, ensure_default_surveys
from tests.times import sh

START, END = "2026-11-16", "2026-11-17"


class ReportWorld:
    def __init__(self, session, make):
        self.session = session
        self.a, self.b = make.branch(), make.branch()
        self.a1 = make.staff(role="agent", branch=self.a, password=None)
        self.a2 = make.staff(role="agent", branch=self.a, password=None)
        self.b1 = make.staff(role="agent", branch=self.b, password=None)
        self.supervisor_a = make.staff(role="supervisor", branch=self.a, password=None)
        self.admin = make.staff(role="admin", password=None)
        c1, c2, c3, c4 = (make.customer(manager=self.a1, phones=(f"1390000000{n}",)) for n in range(4))
        cb = make.customer(manager=self.b1, phones=("13900000009",))
        self.customers = {"x": c3, "y": c2, "z": cb, "k1": c1}
        self.cases = self._cases()
        x, y, z = self.cases["x"], self.cases["y"], self.cases["z"]
        a, b, a1, a2, b1 = self.a, self.b, self.a1, self.a2, self.b1
        self._call(sh(11, 16, 9), a, a1, c1, wait=5, talk=100)  # c1 calls again on the 20th: not FCR
        self._call(sh(11, 16, 10), a, a1, c2, wait=25, talk=200, case=y)  # slow answer, beyond 20 s; FCR
        self._call(sh(11, 16, 11), a, a2, c3, wait=10, talk=60, case=x)  # its case was reopened: not FCR
        self._call(sh(11, 16, 23, 58), a, a2, c4, wait=8, talk=300)  # crosses midnight: the 16th; FCR
        self._call(sh(11, 16, 12), a, None, None, rang=False, outcome="abandoned")  # abandoned in the queue
        self._call(sh(11, 17, 9, 30), a, None, None, outcome="abandoned")  # abandoned while ringing
        self._call(sh(11, 17, 10), a, None, None, outcome="voicemail")  # no agent took it: a message
        self._call(sh(11, 17, 11), a, None, c3, offered=False, rang=False)  # callback booked: never offered
        self._call(sh(11, 17, 14), a, a1, None, wait=20, talk=40)  # answered on the 20th second: within
        self._call(sh(11, 17, 15), b, b1, cb, wait=30, talk=120, case=z)  # branch B; FCR
        self._call(sh(11, 20, 10), a, a1, c1, wait=5, talk=50)  # after the period (c1 again)
        self._call(sh(11, 15, 23, 59), a, None, None, rang=False, outcome="abandoned")  # before the period
        self._call(sh(11, 16, 16), a, a1, c2, direction="outbound", offered=False, rang=False, talk=90)
        self._surveys()
        self._deadlines()
        session.commit()

    def _call(self, at, branch, agent, customer, wait=None, talk=None, case=None, **facts):
        offered, rang = facts.pop("offered", True), facts.pop("rang", True)
        call = Call(
            sid=f"CA-report-{at.isoformat()}-{facts.get('direction', 'in')}",
            direction=facts.pop("direction", "inbound"),
            branch_id=branch.id,
            agent_id=agent.id if agent else None,
            customer_id=customer.id if customer else None,
            case_id=case.id if case else None,
            outcome=facts.pop("outcome", "answered"),
            started_at=at,
            offered_at=at + timedelta(seconds=10) if offered else None,
            first_ring_at=at + timedelta(seconds=15) if rang else None,
            queue_wait_seconds=wait,
            talk_seconds=talk,
            ended_at=at + timedelta(seconds=20 + (wait or 0) + (talk or 0)),
        )
        self.session.add(call)

    def _case(self, kind, branch, owner, opened_at, **fields):
        case = Case(
            kind=kind,
            branch_id=branch.id,
            channel="phone",
            subject="测试",
            owner_id=owner.id,
            opened_at=opened_at,
            **fields,
        )
        self.session.add(case)
        self.session.flush()
        return case

    def _cases(self):
        a, b = self.a, self.b
        cases = {
            "x": self._case("inquiry", a, self.a2, sh(11, 16, 11), reopened_count=1, status="reopened"),
            "y": self._case("inquiry", a, self.a1, sh(11, 16, 10)),
            "z": self._case("inquiry", b, self.b1, sh(11, 17, 15)),
            "k1": self._case("complaint", a, self.supervisor_a, sh(11, 16, 9), category="attitude"),
            "k2": self._case("complaint", a, self.supervisor_a, sh(11, 17, 9), category="efficiency", overdue=True),
            "k3": self._case("complaint", b, self.b1, sh(11, 17, 9), category="attitude"),
            "k4": self._case("complaint", a, self.supervisor_a, sh(11, 18, 9), category="other"),  # after
        }
        for key, finding in (("k1", "founded"), ("k3", "unfounded")):
            cases[key].resolved_at = sh(11, 17, 16)
            self.session.add(ComplaintRecord(case_id=cases[key].id, number=f"R-{key}", finding=finding))
        return cases

    def _surveys(self):
        ensure_default_surveys(self.session)
        survey = self.session.query(Survey).filter_by(code=CASE_SURVEY).one()
        questions = {question.code: question for question in survey.questions}
        answers = (
            ("x", sh(11, 17, 10), "1", "9"),
            ("y", sh(11, 16, 15), "2", "6"),
            ("z", sh(11, 17, 16), "1", "10"),
            ("k1", sh(11, 18, 10), "3", "1"),  # answered after the period
        )
        for key, at, attitude, score in answers:
            case = self.cases[key]
            customer_id = self.customers[key].id
            run = SurveyRun(
                survey_id=survey.id, customer_id=customer_id, case_id=case.id, to_number="+86", state="completed"
            )
            self.session.add(run)
            self.session.flush()
            for code, value in (("attitude", attitude), ("score", score)):
                self.session.add(SurveyAnswer(run_id=run.id, question_id=questions[code].id, value=value, at=at))

    def _deadlines(self):
        rows = (
            ("k1", "resolution", sh(11, 16, 12), sh(11, 16, 11)),  # met
            ("k2", "dispatch", sh(11, 17, 12), None),  # missed
            ("y", "first_response", sh(11, 17, 9), sh(11, 17, 10)),  # met late: missed
            ("x", "resolution", sh(11, 16, 18), sh(11, 16, 17)),  # met
            ("z", "resolution", sh(11, 19, 12), None),  # due after the period
        )
        for key, clock, due, met in rows:
            self.session.add(
                CaseDeadline(
                    case_id=self.cases[key].id, clock=clock, started_at=due - timedelta(days=1), due_at=due, met_at=met
                )
            )
