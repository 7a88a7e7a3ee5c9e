"""Loading the records a route names in its URL or body, with the viewer's access checked."""

from crm.auth import current_staff
from crm.errors import InvalidInput
from crm.extensions import db
from crm.models import Customer, Product
from crm.services.org import access


def visible_customer(customer_id):
    """The customer ``customer_id`` if the signed-in staff member may see it (404 / 403 otherwise)."""
    return access.visible_row(db.session, current_staff(), Customer, customer_id)


def named_product(product_id, field="product_id"):
    """A product named in a request body: an unknown id is bad input (422) on ``field``."""
    product = db.session.get(Product, product_id)
    if product is None:
        raise InvalidInput(f"No product {product_id}.", {field: ["Unknown product."]})
    return product
