"""Customer records (DOMAIN §1–§2): create, change with audit, close, search, caller-ID lookup, the masked view.

Rules kept here, whatever the caller (API, console, CLI):
- The class (A+ … G) is derived from assets, turnover and the last trade; it is recomputed when any of
  them changes and can never be set by hand. The risk tolerance comes from the questionnaire only.
- Changes of phones, e-mail, manager, status, VIP membership and the labels are audited in the same
  transaction (留痕); a phone or e-mail change needs its evidence (a call SID or a note).
- Agents assign customers to themselves only; others assign active staff of the customer's branch.
- Customers are never deleted: supervisors and admins close them (status ``closed``), the record stays.
- Every check runs before the first change, so a refused request leaves the customer as it was.
"""

from sqlalchemy import case, or_, select
from sqlalchemy.orm import joinedload, lazyload

from crm.core import clock
from crm.core.filters import where_given
from crm.core.masks import mask_birthday, mask_email, mask_id_number, mask_phone
from crm.core.phones import try_normalise_phone
from crm.errors import Conflict, Forbidden, InvalidInput, NotFound
from crm.models import Branch, Customer, CustomerPhone, Staff, Visit
from crm.services.customers import classification
from crm.services.org import access, audit

HAND_LABELS = ("trading_habit", "value_segment", "decision_style")
# Settable columns; ``phones`` and ``manager_id`` are handled on their own.
COLUMNS = (
    "account_no",
    "name",
    "id_number",
    "email",
    "status",
    "assets",
    "turnover_rate",
    "last_trade_on",
    "preferred_channel",
    "language",
    "birthday",
    "is_vip",
    "vip_since",
    *HAND_LABELS,
)
SETTABLE = (*COLUMNS, "phones", "manager_id")
AUDITED = ("email", "status", "is_vip", "vip_since", *HAND_LABELS)
CLASS_INPUTS = ("assets", "turnover_rate", "last_trade_on")
# Why a field cannot be set, for the 422 a client gets.
NOT_SETTABLE = {
    "customer_class": "Derived from assets and turnover; it cannot be set.",
    "risk_tolerance": "Set by the risk questionnaire only.",
}
CLOSERS = ("supervisor", "admin")
LAST_VISITS = 3
# What a viewer who may not see the customer in full sees of these fields (besides the phones).
MASKS = {"id_number": mask_id_number, "birthday": mask_birthday, "email": mask_email}


def classify_customer(customer):
    """Recompute ``customer.customer_class``; returns True when it changed."""
    new_class = classification.classify(
        customer.assets, customer.turnover_rate, customer.last_trade_on, clock.local(clock.now()).date()
    )
    changed = new_class != customer.customer_class
    customer.customer_class = new_class
    return changed


def create_customer(session, actor, data):
    """A new customer of the actor's branch (admins name one, or it is the manager's); flushed, not committed.

    An agent becomes the manager unless told otherwise; supervisors and admins may name one.
    """
    data = dict(data)
    branch_id = data.pop("branch_id", None)
    _refuse_unsettable(data)
    _check_status_change(actor, "active", data)
    _vip_defaults(False, data)
    manager_id = data.pop("manager_id", actor.id if actor.role == "agent" else None)
    phones = _phone_rows(data.pop("phones", []))
    branch_id = _branch_for_new(session, actor, branch_id, manager_id)
    manager = _checked_manager(session, actor, branch_id, manager_id)
    _require_free_account_no(session, data.get("account_no"))
    customer = Customer(**{"status": "active", **data}, branch_id=branch_id, manager=manager)
    customer.phones = [CustomerPhone(e164=e164, label=label) for e164, label in phones]
    classify_customer(customer)
    session.add(customer)
    session.flush()
    return customer


def update_customer(session, actor, customer, changes, evidence=None):
    """Apply ``changes`` to ``customer`` with one audit row per audited field that changed.

    Nothing is applied when any change is refused. Not committed here.
    """
    access.require_visible(actor, customer)
    changes = dict(changes)
    _refuse_unsettable(changes)
    phones = _phone_rows(changes.pop("phones")) if "phones" in changes else None
    manager = _manager_change(session, actor, customer, changes)
    _vip_defaults(customer.is_vip, changes)
    changed = {name: value for name, value in changes.items() if getattr(customer, name) != value}
    phones_changed = phones is not None and [e164 for e164, _ in phones] != _numbers(customer)
    _check_status_change(actor, customer.status, changed)
    if "account_no" in changed:
        _require_free_account_no(session, changed["account_no"])
    if phones_changed or "email" in changed:  # the fields DOMAIN §1 wants evidence for
        _require_evidence(evidence)
    for name, value in changed.items():
        if name in AUDITED:
            audit.record(session, customer, actor, name, getattr(customer, name), value, evidence)
        setattr(customer, name, value)
    if phones is not None:
        _replace_phones(session, actor, customer, phones, evidence)
    if manager is not False:
        _assign(session, actor, customer, manager, evidence)
    if any(name in changed for name in CLASS_INPUTS):
        _reclassify(session, actor, customer, evidence)
    return customer


def close_customer(session, actor, customer, evidence=None):
    """Close ``customer`` (supervisors and admins): status ``closed``, audited; the record stays."""
    if actor.role not in CLOSERS:
        raise Forbidden("Only a supervisor or an admin closes a customer.")
    return update_customer(session, actor, customer, {"status": "closed"}, evidence)


def search_customers(viewer, q=None, customer_class=None, manager_id=None, status=None, branch_id=None):
    """A ``select(Customer)`` of the customers ``viewer`` may list, filtered, in a stable order.

    ``q`` matches a name substring, the account number, or a phone number in any common format.
    """
    stmt = access.visible(select(Customer), viewer).order_by(Customer.id)
    if q:
        stmt = stmt.where(_matches(q.strip()))
    filters = {
        Customer.customer_class: customer_class,
        Customer.manager_id: manager_id,
        Customer.status: status,
        Customer.branch_id: branch_id,
    }
    return where_given(stmt, filters)


def lookup_by_phone(session, raw_phone, viewer=None):
    """The customer whose phone is ``raw_phone`` (any format) — the caller-ID screen pop.

    One indexed query on ``customer_phones.e164`` that also brings the card's phones, manager and
    branch (a hot path: every round trip counts). When several customers share the number, an open
    account beats a closed one and, for staff of a branch, their branch's customer comes first.
    """
    e164 = phone_or_nobody(raw_phone)
    stmt = (
        select(Customer)
        .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
        .where(CustomerPhone.e164 == e164)
        .order_by(*_lookup_preference(viewer), Customer.id)
        .limit(1)
        .options(joinedload(Customer.phones))
    )
    customer = session.scalars(stmt).unique().first()
    if customer is None:
        raise nobody_has_it()
    return customer


def phone_or_nobody(raw_phone):
    """``raw_phone`` in E.164; a text that is no phone number finds nobody (404 naming the field)."""
    e164 = try_normalise_phone(raw_phone)
    if e164 is None:
        raise NotFound("No customer has that number.", {"phone": ["Not a phone number."]})
    return e164


def lookup_preference(viewer_branch_id):
    """The order among customers sharing a number: the viewer's branch (an expression or a bound
    parameter; None for admins) first, then an open account before a closed one."""
    preference = [case((Customer.status == "closed", 1), else_=0)]
    if viewer_branch_id is not None:
        preference.insert(0, case((Customer.branch_id == viewer_branch_id, 0), else_=1))
    return preference


def last_visits(session, customer, limit=LAST_VISITS):
    """The customer's latest visits, newest first (one query on the customer/started index)."""
    stmt = (
        select(Visit)
        .options(lazyload(Visit.customer))
        .where(Visit.customer_id == customer.id)
        .order_by(Visit.started_at.desc(), Visit.id.desc())
        .limit(limit)
    )
    return session.scalars(stmt).all()


def customer_view(customer, viewer):
    """The customer as ``viewer`` may see it: ``MASKS`` applied unless ``can_see_sensitive``.

    The one place masking happens — lists, detail, the screen pop and the console all show this.
    """
    sensitive = access.can_see_sensitive(viewer, customer)
    return view_of(customer, customer.phones, sensitive, customer.manager, customer.branch)


def view_of(values, phones, sensitive, manager, branch):
    """The view of a customer from ``values`` (a ``Customer``, or a row with its column names), its
    ``phones`` (each with ``e164`` and ``label``), its manager and branch: masked unless ``sensitive``."""
    shown = {name: getattr(values, name) for name in (*COLUMNS, "id", "customer_class", "risk_tolerance")}
    if not sensitive:
        shown.update({name: mask(shown[name]) for name, mask in MASKS.items()})
    return {
        **shown,
        "created_at": values.created_at,
        "updated_at": values.updated_at,
        "phones": [
            {"number": phone.e164 if sensitive else mask_phone(phone.e164), "label": phone.label} for phone in phones
        ],
        "masked": not sensitive,
        "risk_assessment_pending": bool(values.risk_assessment_pending),
        "sms_opted_out": values.sms_opted_out_at is not None,
        "sms_opted_out_at": values.sms_opted_out_at,
        "manager": manager,
        "branch": branch,
    }


def _refuse_unsettable(fields):
    unknown = set(fields) - set(SETTABLE)
    if unknown:
        raise InvalidInput(
            "These fields cannot be set: " + ", ".join(sorted(unknown)),
            {name: [NOT_SETTABLE.get(name, "Not settable.")] for name in unknown},
        )


def _phone_rows(phones):
    """``[{"number", "label"}]`` → ``[(e164, label)]``; an invalid or repeated number is a 422 naming its index."""
    rows, errors = [], {}
    for index, phone in enumerate(phones):
        e164 = try_normalise_phone(phone["number"])
        if e164 is None:
            errors[index] = {"number": ["Not a valid phone number."]}
        elif e164 in [seen for seen, _ in rows]:
            errors[index] = {"number": ["Listed twice."]}
        else:
            rows.append((e164, phone.get("label") or "mobile"))
    if errors:
        raise InvalidInput("Some phone numbers are invalid.", {"phones": errors})
    return rows


def _numbers(customer):
    return [phone.e164 for phone in customer.phones]


def _replace_phones(session, actor, customer, rows, evidence):
    """Make ``customer``'s phones exactly ``rows``, keeping the rows of numbers that stay; audits a number change."""
    old_numbers = _numbers(customer)
    existing = {phone.e164: phone for phone in customer.phones}
    kept = []
    for e164, label in rows:
        phone = existing.get(e164) or CustomerPhone(e164=e164)
        phone.label = label
        kept.append(phone)
    customer.phones = kept
    new_numbers = [e164 for e164, _ in rows]
    if new_numbers != old_numbers:
        audit.record(
            session, customer, actor, "phones", ", ".join(old_numbers) or None, ", ".join(new_numbers) or None, evidence
        )


def _branch_for_new(session, actor, branch_id, manager_id):
    """Staff of a branch create in their own branch; an admin names it or takes the manager's."""
    if actor.role != "admin":
        if branch_id not in (None, actor.branch_id):
            raise Forbidden("You create customers in your own branch only.")
        return actor.branch_id
    if branch_id is None and manager_id is not None:
        manager = session.get(Staff, manager_id)
        branch_id = manager.branch_id if manager else None
    if branch_id is None or session.get(Branch, branch_id) is None:
        raise InvalidInput("Name the customer's branch.", {"branch_id": ["Unknown or missing branch."]})
    return branch_id


def _manager_change(session, actor, customer, changes):
    """The new manager (a Staff or None) when ``changes`` moves the customer, else False."""
    if "manager_id" not in changes:
        return False
    manager_id = changes.pop("manager_id")
    if manager_id == customer.manager_id:
        return False
    return _checked_manager(session, actor, customer.branch_id, manager_id)


def _checked_manager(session, actor, branch_id, manager_id):
    """The staff member who may manage a customer of ``branch_id`` as ``actor`` assigns it."""
    if actor.role == "agent":
        if manager_id != actor.id:
            raise Forbidden("Agents may only assign customers to themselves.")
        return actor
    if manager_id is None:
        return None
    manager = session.get(Staff, manager_id)
    if manager is None or not manager.is_active or manager.branch_id != branch_id:
        raise InvalidInput(
            "The manager must be active staff of the customer's branch.",
            {"manager_id": ["Not active staff of the customer's branch."]},
        )
    return manager


def _assign(session, actor, customer, manager, evidence):
    old = customer.manager.job_no if customer.manager else None
    audit.record(session, customer, actor, "manager", old, manager.job_no if manager else None, evidence)
    customer.manager = manager


def _vip_defaults(was_vip, changes):
    """Joining the club without a date joins today; leaving (or never joining) clears the join date.
    Creation and change alike: a new customer was no VIP."""
    if changes.get("is_vip") is True and not was_vip and changes.get("vip_since") is None:
        changes["vip_since"] = _today()
    if changes.get("is_vip") is False:
        changes["vip_since"] = None


def _check_status_change(actor, status, changed):
    """Closing a customer (creating one closed included), or reopening a closed one, is for supervisors and
    admins; ``status`` is the customer's before ``changed`` (``active`` for a new one)."""
    if "status" in changed and "closed" in (status, changed["status"]) and actor.role not in CLOSERS:
        raise Forbidden("Only a supervisor or an admin closes or reopens a customer.")


def _reclassify(session, actor, customer, evidence):
    old = customer.customer_class
    if classify_customer(customer):
        audit.record(session, customer, actor, "customer_class", old, customer.customer_class, evidence)


def _require_evidence(evidence):
    """DOMAIN §1: a phone or e-mail change rests on evidence, e.g. the recorded call it was agreed on."""
    if not (evidence or "").strip():
        raise InvalidInput(
            "A phone or e-mail change needs its evidence (a call SID or a note).",
            {"evidence": ["Required when phones or e-mail change."]},
        )


def _require_free_account_no(session, account_no):
    if account_no and session.scalar(select(Customer.id).where(Customer.account_no == account_no)):
        raise Conflict(f"Account {account_no} belongs to another customer.", {"account_no": ["Already in use."]})


def _matches(q):
    conditions = [Customer.name.contains(q, autoescape=True), Customer.account_no == q]
    e164 = try_normalise_phone(q)
    if e164:
        conditions.append(Customer.id.in_(select(CustomerPhone.customer_id).where(CustomerPhone.e164 == e164)))
    return or_(*conditions)


def nobody_has_it():
    """The answer for a number nobody has — and for another branch's customer (whose number it is is confidential)."""
    return NotFound("No customer has that number.", {"phone": ["No customer has this number."]})


def _lookup_preference(viewer):
    return lookup_preference(viewer.branch_id if viewer is not None else None)


def _today():
    return clock.local(clock.now()).date()
