"""Products with their risk levels: everyone lists them; admins add and change them."""

from flask_smorest import Blueprint

from crm.api.common import PageArgs, page_schema, paginate
from crm.api.schemas.products import CategoryOut, ProductIn, ProductOut, ProductPatch, ProductQuery
from crm.auth import roles
from crm.errors import NotFound
from crm.extensions import db
from crm.models import Product
from crm.services.customers import suitability

URL = "products"
blp = Blueprint("products", __name__, description="Products and their risk levels (DOMAIN §3)")


class ProductListArgs(ProductQuery, PageArgs):
    pass


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.arguments(ProductListArgs, location="query")
@blp.response(200, page_schema(ProductOut, "ProductPage"))
def list_products(args):
    """Products by code; filter by category, risk level and active."""
    filters = {name: args.get(name) for name in ("category", "risk_level", "active")}
    return paginate(suitability.products_query(**filters), args)


@blp.get("/categories")
@roles("agent", "supervisor", "admin")
@blp.response(200, CategoryOut(many=True))
def list_categories():
    """The known product categories and the risk level each carries."""
    return [{"category": category, "risk_level": level} for category, level in suitability.CATEGORY_RISK.items()]


@blp.post("")
@roles("admin")
@blp.arguments(ProductIn)
@blp.response(201, ProductOut)
def add_product(data):
    product = suitability.create_product(db.session, **data)
    db.session.commit()
    return product


@blp.patch("/<int:product_id>")
@roles("admin")
@blp.arguments(ProductPatch)
@blp.response(200, ProductOut)
def change_product(changes, product_id):
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound(f"No product {product_id}.")
    suitability.update_product(db.session, product, changes)
    db.session.commit()
    return product
