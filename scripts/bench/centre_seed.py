"""The call centre of the benchmark (``centre.py``): branches with their hotlines, a head, a supervisor on duty
and agents each, and ``customers`` customers with a mobile number each (one in twenty a VIP), managed by the
branch's agents. Reference data (scripts, surveys, deadline policies…) comes from ``kefu load-defaults``.

Seeding is idempotent: staff are created once, customers topped up to the number asked for (bulk ``INSERT``s of
``BATCH`` rows). Each run issues fresh API tokens and makes every agent ``ready``, directly: the driver does not
wrap calls up on the desk (a console form), and the API refuses ``ready`` to an agent with a call not wrapped up.
"""

from dataclasses import dataclass

from sqlalchemy import func, insert, select

from crm.core.clock import now
from crm.models import Branch, Customer, CustomerPhone, Staff
from crm.services.calls.default_scripts import ensure_phone_lines
from crm.services.org.credentials import issue_api_token
from crm.services.org.staff import create_staff

BRANCHES = 4
AGENTS_PER_BRANCH = 25
VIP_EVERY = 20
BATCH = 10_000
PHONE_PREFIX = "+86139"  # customer n calls from +86139 and n on 8 digits
HOTLINE_PREFIX = "+8621506000"  # branch b's hotline: this and b on 2 digits


@dataclass
class Centre:
    """What the driver needs: agents' tokens by softphone identity, callers by kind."""

    tokens: dict  # "agent-C1001" → bearer token
    vip_callers: list  # (phone, customer id, their branch's hotline)
    plain_callers: list  # (phone, customer id, their branch's hotline)


def branch_code(b):
    return f"CT{b:02d}"


def seed(session, customers):
    """Create what is missing; a ``Centre`` with fresh tokens. Commits."""
    branches = [_branch(session, b) for b in range(1, BRANCHES + 1)]
    session.commit()
    agents = {branch.id: _agents(session, branch) for branch in branches}
    session.commit()
    _top_up_customers(session, branches, agents, customers)
    session.commit()
    every_agent = [agent for staff in agents.values() for agent in staff]
    tokens = {agent.softphone_identity: issue_api_token(agent, "centre benchmark") for agent in every_agent}
    session.commit()
    vip, plain = _callers(session, customers)
    return Centre(
        tokens=tokens,
        vip_callers=vip,
        plain_callers=plain,
    )


def _branch(session, b):
    code = branch_code(b)
    branch = session.scalar(select(Branch).where(Branch.code == code))
    if branch is None:
        branch = Branch(code=code, name=f"压测中心{b}", hotline=f"{HOTLINE_PREFIX}{b:02d}")
        session.add(branch)
        session.flush()
        head = create_staff(session, job_no=f"C{b}H", name=f"主管{b}", role="supervisor", branch=branch)
        create_staff(
            session, job_no=f"C{b}D", name=f"值班{b}", role="supervisor", branch=branch, phone=f"+861370000{b:04d}"
        ).on_duty = True
        session.flush()
        branch.head_id = head.id
    ensure_phone_lines(session, [(branch.hotline, "hotline", branch.id)])
    return branch


def _agents(session, branch):
    b = int(branch.code[2:])
    existing = {s.job_no: s for s in session.scalars(select(Staff).where(Staff.branch_id == branch.id))}
    agents = []
    for n in range(1, AGENTS_PER_BRANCH + 1):
        job_no = f"C{b}{n:03d}"
        agent = existing.get(job_no) or create_staff(
            session, job_no=job_no, name=f"坐席{b}-{n}", role="agent", branch=branch
        )
        agent.presence, agent.presence_changed_at = "ready", now()
        agents.append(agent)
    session.flush()
    return agents


def _top_up_customers(session, branches, agents, wanted):
    have = session.scalar(select(func.count()).select_from(CustomerPhone).where(_ours()))
    for start in range(have, wanted, BATCH):
        numbers = range(start, min(start + BATCH, wanted))
        rows = [_customer_row(n, branches, agents) for n in numbers]
        ids = session.scalars(insert(Customer).returning(Customer.id, sort_by_parameter_order=True), rows).all()
        phones = [{"customer_id": i, "e164": phone_of(n), "label": "mobile"} for i, n in zip(ids, numbers, strict=True)]
        session.execute(insert(CustomerPhone), phones)
        session.commit()


def _customer_row(n, branches, agents):
    branch = branches[n % len(branches)]
    staff = agents[branch.id]
    return {
        "name": f"客户{n}",
        "branch_id": branch.id,
        "manager_id": staff[(n // len(branches)) % len(staff)].id,
        "customer_class": "C",
        "is_vip": (n // len(branches)) % VIP_EVERY == 0,  # VIPs in every branch
    }


def phone_of(n):
    return f"{PHONE_PREFIX}{n:08d}"


def _ours():
    return CustomerPhone.e164.like(f"{PHONE_PREFIX}%")


def _callers(session, customers):
    """The seeded customers' numbers, ids and branch hotlines (a VIP's manager answers there), VIPs apart."""
    rows = session.execute(
        select(CustomerPhone.e164, Customer.id, Customer.is_vip, Branch.hotline)
        .join(Customer, Customer.id == CustomerPhone.customer_id)
        .join(Branch, Branch.id == Customer.branch_id)
        .where(_ours())
        .order_by(CustomerPhone.e164)
        .limit(customers)
    ).all()
    vip = [(phone, cid, hotline) for phone, cid, is_vip, hotline in rows if is_vip]
    plain = [(phone, cid, hotline) for phone, cid, is_vip, hotline in rows if not is_vip]
    return vip, plain
