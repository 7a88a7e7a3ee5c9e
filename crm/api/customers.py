"""Customers: search, create, read, change (audited), close, the caller-ID screen pop and the audit trail."""

from flask import jsonify
from flask_smorest import Blueprint

from crm.api.common import PageArgs, page_schema, paginate
from crm.api.lookups import visible_customer
from crm.api.schemas.card import dump_card
from crm.api.schemas.customers import (
    AuditEntryOut,
    CloseArgs,
    CustomerCard,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    CustomerQuery,
    LookupQuery,
)
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.customers import records, screen_pop
from crm.services.org import audit

URL = "customers"
blp = Blueprint("customers", __name__, description="Customers, caller-ID lookup and the audit trail")


class CustomerListArgs(CustomerQuery, PageArgs):
    pass


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.arguments(CustomerListArgs, location="query")
@blp.response(200, page_schema(CustomerOut, "CustomerPage"))
def list_customers(args):
    """Customers the caller may see (agents: their own; supervisors: their branch), filtered and paged.

    ``q`` matches a name substring, the account number or a phone number in any format.
    """
    viewer = current_staff()
    filters = {name: args.get(name) for name in ("q", "customer_class", "manager_id", "status", "branch_id")}
    page = paginate(records.search_customers(viewer, **filters), args)
    return {**page, "items": [records.customer_view(c, viewer) for c in page["items"]]}


@blp.post("")
@roles("agent", "supervisor", "admin")
@blp.arguments(CustomerIn)
@blp.response(201, CustomerOut)
def add_customer(data):
    """A new customer. An agent becomes its manager; supervisors and admins may name one of the branch."""
    viewer = current_staff()
    customer = records.create_customer(db.session, viewer, data)
    db.session.commit()
    return records.customer_view(customer, viewer)


@blp.get("/lookup")
@roles("agent", "supervisor", "admin")
@blp.arguments(LookupQuery, location="query")
@blp.response(200, CustomerCard)
def lookup(args):
    """Caller-ID screen pop: the customer card for a phone number in any format (404 when nobody has it).

    Anyone of the customer's branch may pop the card; ID number and phones stay masked unless the
    viewer is the customer's manager, a supervisor of the branch or an admin.
    """
    card = screen_pop.screen_pop(db.session, args["phone"], current_staff())
    return jsonify(dump_card(card))  # a Response: flask-smorest sends it as is (CustomerCard documents it)


@blp.get("/<int:customer_id>")
@roles("agent", "supervisor", "admin")
@blp.response(200, CustomerOut)
def get_customer(customer_id):
    return records.customer_view(visible_customer(customer_id), current_staff())


@blp.patch("/<int:customer_id>")
@roles("agent", "supervisor", "admin")
@blp.arguments(CustomerPatch)
@blp.response(200, CustomerOut)
def change_customer(changes, customer_id):
    """Change a customer. Phone and e-mail changes need ``evidence``; audited fields get a trail entry."""
    viewer = current_staff()
    customer = visible_customer(customer_id)
    evidence = changes.pop("evidence", None)
    records.update_customer(db.session, viewer, customer, changes, evidence)
    db.session.commit()
    return records.customer_view(customer, viewer)


@blp.delete("/<int:customer_id>")
@roles("supervisor", "admin")
@blp.arguments(CloseArgs, location="query")
@blp.response(200, CustomerOut)
def close_customer(args, customer_id):
    """Close a customer: status ``closed``, audited. Customers are never erased; the record stays."""
    viewer = current_staff()
    customer = visible_customer(customer_id)
    records.close_customer(db.session, viewer, customer, args.get("evidence"))
    db.session.commit()
    return records.customer_view(customer, viewer)


@blp.get("/<int:customer_id>/audit")
@roles("agent", "supervisor", "admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(AuditEntryOut, "AuditPage"))
def customer_audit(args, customer_id):
    """The customer's audit trail (留痕), newest first."""
    return paginate(audit.history_query(visible_customer(customer_id)), args)
