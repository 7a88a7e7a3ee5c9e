"""Small factories for tests: sensible defaults, every field overridable."""

import functools
import itertools
from decimal import Decimal

from werkzeug.security import generate_password_hash

from crm.core import clock
from crm.models import Branch, Customer, CustomerPhone, Product, Visit
from crm.services.org.credentials import issue_api_token
from crm.services.org.staff import create_staff

_seq = itertools.count(1)


@functools.cache
def password_hash(password):
    """A cheap hash of a test password, made once: the production method (scrypt) costs 70 ms per staff
    member made and per sign-in, which was most of the suite's time. Checking it is the same code."""
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


class Factory:
    def __init__(self, session):
        self.session = session

    def branch(self, **fields):
        n = next(_seq)
        branch = Branch(**{"code": f"BR{n:03d}", "name": f"测试营业部{n}", "hotline": "+862195500", **fields})
        self.session.add(branch)
        self.session.commit()
        return branch

    def staff(self, role="agent", branch=None, password="correct horse", **fields):
        """A staff member with a fresh API token on ``.token`` (not stored: only its hash is)."""
        n = next(_seq)
        staff = create_staff(
            self.session,
            job_no=fields.pop("job_no", f"{8000 + n}"),
            name=fields.pop("name", f"员工{n}"),
            role=role,
            branch=branch,
            **fields,
        )
        if password:
            staff.password_hash = password_hash(password)
        token = issue_api_token(staff)
        self.session.commit()
        staff.token = token
        return staff

    def customer(self, branch=None, manager=None, phones=("13800138000",), **fields):
        """A customer; the class is computed by the classification service, never set here."""
        from crm.core.phones import normalise_phone
        from crm.services.customers.records import classify_customer

        n = next(_seq)
        branch = branch or (manager.branch if manager else self.branch())
        customer = Customer(
            **{
                "account_no": f"A{n:08d}",
                "name": f"客户{n}",
                "id_number": "310101199001011234",
                "status": "active",
                "assets": Decimal("200000"),
                "turnover_rate": Decimal("1.5"),
                **fields,
            },
            branch_id=branch.id,
            manager_id=manager.id if manager else None,
        )
        customer.phones = [CustomerPhone(e164=normalise_phone(p)) for p in phones]
        classify_customer(customer)
        self.session.add(customer)
        self.session.commit()
        return customer

    def visit(self, manager, customer, **fields):
        """A visit ``manager`` logged with ``customer``: by default a service call starting now."""
        visit = Visit(
            **{"channel": "phone", "started_at": clock.now(), "purpose": "service", "summary": "回访", **fields},
            manager_id=manager.id,
            customer_id=customer.id,
        )
        self.session.add(visit)
        self.session.commit()
        return visit

    def product(self, risk_level="low", **fields):
        n = next(_seq)
        product = Product(
            **{"code": f"P{n:05d}", "name": f"产品{n}", "category": "money_market", "risk_level": risk_level, **fields}
        )
        self.session.add(product)
        self.session.commit()
        return product
