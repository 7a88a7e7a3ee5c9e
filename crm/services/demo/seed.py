"""Demo data that looks like a real securities branch (issue 3 §10), loaded once.

Two branches with a supervisor and four agents each, an admin (job number 9001), a product
catalogue, about 500 customers over every class with labels, VIP members and risk
assessments, 30 days of visit logs before ``clock.now()``, and the recent calls, QA checks,
callback surveys, work logs, a spot check and care dates a supervisor looks for
(``crm.services.demo.activity``). The book was opened (branches, staff, customers created)
``OPENED_DAYS_AGO`` days back, before the oldest assessment, so no record was changed before it
was created. Everything but the calls (see ``crm.services.demo.calls``) goes through the
services a user's actions go through (customers through the CSV importer, assessments
through the questionnaire, recommendations through the suitability check), and a seeded
random generator makes it the same on every machine. Every demo staff member signs in
with ``PASSWORD``; the first Shanghai customer answers to ``DEMO_PHONE``.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from stdnum.cn import ric

from crm.core import clock
from crm.models import AuditEntry, Customer, Staff
from crm.models.customers import CLASSES, DECISION_STYLES, TRADING_HABITS
from crm.services.calls.default_scripts import ensure_demo_telephony
from crm.services.customers import classification, documents, importer, questionnaire, suitability, visits
from crm.services.demo.activity import seed_activity
from crm.services.demo.catalogue import (
    BRANCHES,
    CHANNEL_WEIGHTS,
    CLASS_WEIGHTS,
    DOMAINS,
    GIVEN_NAME_CHARACTERS,
    PREFERRED_CHANNELS,
    PRODUCTS,
    STAFF,
    SURNAMES,
    VISIT_NOTES,
)
from crm.services.org import organisation
from crm.services.org.staff import create_staff, set_password
from crm.services.surveys.default_surveys import ensure_default_surveys

PASSWORD = "kefu-demo"
DEMO_PHONE = "13800138000"
SEED = 20261123
CUSTOMERS_PER_BRANCH = 250
VISIT_DAYS = 30
ASSESSED_DAYS_AGO = (35, 700)  # questionnaires were taken on a day in this range
OPENED_DAYS_AGO = ASSESSED_DAYS_AGO[1] + 30
MOBILE_PREFIXES = ("130", "131", "135", "136", "137", "138", "139", "150", "151", "158", "159", "186", "188", "189")
VIP_SHARE = {"A+": 0.9, "B+": 0.8, "A": 0.7, "B": 0.5, "C": 0.2, "D": 0.1}
SEGMENT_BY_CLASS = {
    "A+": "gold",
    "B+": "gold",
    "A": "gold",
    "B": "rising_star",
    "C": "rising_star",
    "C-": "rising_star",
}


@dataclass
class DemoData:
    staff: list
    customers: int
    assessments: int
    recommendations: int
    visits: int
    activity: object  # crm.services.demo.activity.Activity

    def summary(self):
        branches = ", ".join(f"{code} {name}" for code, name, *_ in BRANCHES)
        return (
            f"Demo data loaded: branches {branches}; {len(self.staff)} staff, {len(PRODUCTS)} products, "
            f"{self.customers} customers, {self.assessments} risk assessments, "
            f"{self.recommendations} recommendations, {self.visits} visits; "
            f"{self.activity.calls} calls, {self.activity.qa_checks} QA checks, "
            f"{self.activity.surveys} callback surveys, {self.activity.work_logs} work logs, 1 spot check."
        )

    def logins(self):
        """A table of the staff: job number, role, branch, name."""
        rows = [("job_no", "role", "branch", "name")]
        rows += [(m.job_no, m.role, m.branch.code if m.branch else "all", m.name) for m in self.staff]
        return [f"{job_no:<7} {role:<11} {branch:<7} {name}" for job_no, role, branch, name in rows]


def seed(session, store):
    """Load the demo into an empty database and return what was loaded; None (nothing done) if data exists.

    ``store`` is the document folder: the demo's signed questionnaires and disclosures are kept there."""
    if session.scalar(select(func.count()).select_from(Staff)) or session.scalar(
        select(func.count()).select_from(Customer)
    ):
        return None
    rnd = random.Random(SEED)
    opened = clock.now() - timedelta(days=OPENED_DAYS_AGO)
    with clock.frozen(opened):
        staff = _staff(session)
        ensure_demo_telephony(session)
        ensure_default_surveys(session)
        products = [suitability.create_product(session, code=c, name=n, category=cat) for c, n, cat in PRODUCTS]
    _import_customers(session, rnd, opened)
    customers = session.scalars(select(Customer).order_by(Customer.id)).all()
    assessed = _assess(session, store, rnd, customers)
    recommendations = _recommend(session, rnd, assessed, products)
    visit_count = _visits(session, rnd, customers, [member for member in staff if member.role == "agent"])
    activity = seed_activity(session, rnd, staff, customers, SEED)
    session.flush()
    return DemoData(staff, len(customers), len(assessed), recommendations, visit_count, activity)


def _weighted(rnd, weights):
    """One key of ``weights`` drawn in proportion to its weight."""
    return rnd.choices(list(weights), weights=list(weights.values()))[0]


def _staff(session):
    branches = {
        code: organisation.create_branch(session, code=code, name=name, hotline=hotline)
        for code, name, hotline, _, _ in BRANCHES
    }
    members = [
        create_staff(session, job_no=job_no, name=name, role=role, branch=branches.get(code))
        for job_no, name, role, code in STAFF
    ]
    # One (deliberately slow) password hash, shared: everyone's demo password is the same anyway.
    set_password(members[0], PASSWORD)
    for member in members[1:]:
        member.password_hash = members[0].password_hash
    session.flush()
    return members


def _import_customers(session, rnd, opened):
    """Import the demo customers, classified as of today, then date their records (and the import's
    audit entries) back to the day the book was opened."""
    rows = _CustomerRows(rnd, clock.local(clock.now()).date()).all()
    report = importer.import_customers(session, enumerate(rows, start=2), source="demo data")
    if report.errors:  # the generator and the importer disagree: a bug, not bad input
        raise RuntimeError(f"Demo customers rejected: {report.errors[:3]}")
    backdate = {"synchronize_session": False}
    session.execute(update(Customer).values(created_at=opened, updated_at=opened).execution_options(**backdate))
    session.execute(update(AuditEntry).values(at=opened).execution_options(**backdate))


class _CustomerRows:
    """CSV-shaped rows (text cells) for the demo customers, as the importer reads them."""

    def __init__(self, rnd, today):
        self.rnd = rnd
        self.today = today
        self.rules = classification.rules()
        self.phones = {"+86" + DEMO_PHONE}

    def all(self):
        rows = []
        for code, _, _, region, prefix in BRANCHES:
            agents = [job_no for job_no, _, role, branch in STAFF if role == "agent" and branch == code]
            for n in range(CUSTOMERS_PER_BRANCH):
                # The first of each branch's customers cover every class once; the rest follow the weights.
                klass = CLASSES[n] if n < len(CLASSES) else _weighted(self.rnd, CLASS_WEIGHTS)
                rows.append(self.row(code, region, f"{prefix}{n + 1:08d}", klass, agents))
        rows[0]["phones"] = DEMO_PHONE
        return rows

    def row(self, branch, region, account_no, klass, agents):
        rnd = self.rnd
        birthday = self.today - timedelta(days=rnd.randint(22 * 365, 75 * 365))
        status, assets, turnover, last_trade = self.money(klass)
        labelled = rnd.random() < 0.7
        vip = rnd.random() < VIP_SHARE.get(klass, 0)
        return {
            "account_no": account_no,
            "name": self.name(),
            "id_number": self.id_number(region, birthday),
            "phones": self.phone_numbers(branch),
            "email": f"{rnd.randint(10**5, 10**10)}@{rnd.choice(DOMAINS)}" if rnd.random() < 0.4 else "",
            "branch": branch,
            "manager": "" if status == "prospect" and rnd.random() < 0.3 else rnd.choice(agents),
            "status": status,
            "assets": str(assets),
            "turnover_rate": str(turnover),
            "last_trade_on": last_trade.isoformat() if last_trade else "",
            "birthday": birthday.isoformat(),
            "is_vip": "1" if vip else "0",
            "vip_since": (self.today - timedelta(days=rnd.randint(60, 8 * 365))).isoformat() if vip else "",
            "preferred_channel": rnd.choice(PREFERRED_CHANNELS),
            "trading_habit": rnd.choice(TRADING_HABITS) if labelled else "",
            "value_segment": SEGMENT_BY_CLASS.get(klass, rnd.choice(("maintenance", "free"))) if labelled else "",
            "decision_style": rnd.choice(DECISION_STYLES) if labelled else "",
        }

    def money(self, klass):
        """(status, assets, turnover rate, last trade) that the class rules put in ``klass``."""
        rnd = self.rnd
        if klass == classification.DORMANT_CLASS:
            if rnd.random() < 0.5:  # an empty account: a prospect, a closed or an emptied account
                status = rnd.choice(("prospect", "prospect", "closed", "active"))
                return status, Decimal("0.00"), Decimal("0.0000"), None
            dormant_days = rnd.randint(31 * (self.rules.dormant_months + 1), 5 * 365)
            return "active", self.assets(rnd.randint(0, 3)), self.turnover(False), self.today - timedelta(dormant_days)
        tier, high = next((t, klass == pair[0]) for t, pair in self.rules.class_by_tier.items() if klass in pair)
        last_trade = self.today - timedelta(days=rnd.randint(0, 60))
        return "active", self.assets(tier), self.turnover(high), last_trade

    def assets(self, tier):
        """Log-uniform within the asset tier (T6 reaches four times its lower bound)."""
        bounds = (100, *self.rules.tier_bounds, 4 * self.rules.tier_bounds[-1])
        low, high = float(bounds[tier]), float(bounds[tier + 1])
        value = math.exp(self.rnd.uniform(math.log(low), math.log(high)))
        return Decimal(str(min(value, high - 1))).quantize(Decimal("0.01"))

    def turnover(self, high):
        threshold = float(self.rules.turnover_threshold)
        value = self.rnd.uniform(threshold, 4 * threshold) if high else self.rnd.uniform(0.05, 0.95 * threshold)
        return Decimal(str(value)).quantize(Decimal("0.0001"))

    def name(self):
        given = "".join(self.rnd.choices(GIVEN_NAME_CHARACTERS, k=self.rnd.choice((1, 2, 2))))
        return self.rnd.choice(SURNAMES) + given

    def id_number(self, region, birthday):
        body = f"{region}{birthday:%Y%m%d}{self.rnd.randint(0, 999):03d}"
        return body + ric.calc_check_digit(body + "?")  # stdnum takes a whole number and ignores its last character

    def phone_numbers(self, branch):
        """A unique mobile number, and for some customers a landline in the branch's city."""
        while (mobile := self.rnd.choice(MOBILE_PREFIXES) + f"{self.rnd.randint(0, 10**8 - 1):08d}") in self.phones:
            pass
        self.phones.add(mobile)
        if self.rnd.random() < 0.15:
            area = "021" if branch == "SH01" else "010"
            return f"{mobile};{area}-{self.rnd.randint(5000_0000, 8999_9999)}"
        return mobile


def _assess(session, store, rnd, customers):
    """Questionnaires for about three in four open accounts, taken and confirmed on the customer's signed form
    on a past day by their manager; high-tolerance customers have signed the high-risk disclosure too."""
    assessed = []
    for customer in customers:
        if customer.status != "active" or customer.manager is None or rnd.random() > 0.75:
            continue
        with clock.frozen(clock.now() - timedelta(days=rnd.randint(*ASSESSED_DAYS_AGO))):
            assessment = questionnaire.submit_assessment(session, customer.manager, customer, _answers(rnd))
            form = _demo_paper(session, store, customer, "signed_questionnaire")
            questionnaire.confirm_assessment(session, customer.manager, customer, assessment, document=form)
            if assessment.band == "high":
                _demo_paper(session, store, customer, "risk_disclosure")
        assessed.append(customer)
    return assessed


def _demo_paper(session, store, customer, kind):
    """A stand-in scan of a signed paper (one small PDF, kept once: the folder is content-addressed)."""
    content = b"%PDF-1.4\n% Kefu demo: a signed paper stands here.\n%%EOF\n"
    document = documents.add_file(session, store, customer.manager, customer, kind, f"{kind}.pdf", content)
    session.flush()
    return document


def _answers(rnd):
    """Answers from one temperament (0 cautious … 1 bold), so scores spread over every band."""
    temperament = rnd.random()
    answers = {}
    for question in questionnaire.QUESTIONS:
        last = len(question.options) - 1
        index = min(last, max(0, round(temperament * last + rnd.gauss(0, 0.7))))
        letters = {question.options[index].letter}
        if question.multi and rnd.random() < 0.4:
            letters.add(rnd.choice(question.options).letter)
        answers[question.key] = sorted(letters)
    return answers


def _recommend(session, rnd, assessed, products):
    """A suitable product for about a third of the assessed customers, recommended last month."""
    count = 0
    for customer in assessed:
        suitable = [p for p in products if suitability.is_suitable(customer.risk_tolerance, p.risk_level)]
        if rnd.random() < 0.33:
            with clock.frozen(clock.now() - timedelta(days=rnd.randint(1, 30), hours=rnd.randint(0, 6))):
                suitability.recommend(session, customer.manager, customer, rnd.choice(suitable), note="电话沟通后推荐")
            count += 1
    return count


def _visits(session, rnd, customers, agents):
    """Two to four visits per agent per weekday over the last ``VISIT_DAYS`` days."""
    today = clock.local(clock.now()).date()
    count = 0
    for agent in agents:
        own = [customer for customer in customers if customer.manager_id == agent.id]
        for days_ago in range(VISIT_DAYS, 0, -1) if own else ():
            day = today - timedelta(days=days_ago)
            if day.weekday() >= 5:
                continue
            for _ in range(rnd.randint(2, 4)):
                customer = rnd.choice(own)
                visits.log_visit(session, agent, customer, _visit_fields(rnd, day, customer))
                count += 1
    return count


_DURATION = {"phone": (2, 15), "on_site": (20, 90), "home_visit": (30, 120), "online": (5, 30), "sms": (1, 5)}


def _visit_fields(rnd, day, customer):
    channel = _weighted(rnd, CHANNEL_WEIGHTS)
    purposes = ("account_opening",) if customer.status == "prospect" else tuple(set(VISIT_NOTES) - {"account_opening"})
    purpose = rnd.choice(sorted(purposes))
    summary, outcome, next_step = rnd.choice(VISIT_NOTES[purpose])
    local_start = datetime.combine(day, time(9), tzinfo=clock.zone()) + timedelta(minutes=rnd.randint(0, 450))
    return {
        "channel": channel,
        "started_at": clock.as_utc(local_start),
        "duration_minutes": rnd.randint(*_DURATION.get(channel, (1, 5))),
        "purpose": purpose,
        "summary": summary,
        "outcome": outcome,
        "next_step": next_step,
        "next_step_on": day + timedelta(days=rnd.randint(3, 14)) if next_step else None,
        "self_score": rnd.randint(3, 5) if channel in ("on_site", "home_visit") else None,
    }
