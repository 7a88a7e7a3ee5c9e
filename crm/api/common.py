"""Pieces every API module uses: pagination arguments and the page envelope."""

from flask import current_app
from marshmallow import Schema, validate
from sqlalchemy import func, select

from crm.api.schemas import fields
from crm.extensions import db


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def page_schema(item_schema, name):
    """An envelope schema ``{items, total, page, per_page}`` around ``item_schema``."""
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        },
    )


def paginate(stmt, args, rows=False):
    """Run ``stmt`` one page at a time; ``total`` counts the whole filtered result. The items are the first
    column's objects, or with ``rows`` the whole rows (a model with computed columns)."""
    per_page = min(args["per_page"], current_app.config["API_PAGE_SIZE_MAX"])
    page = args["page"]
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = result.all() if rows else result.scalars().unique().all()
    return {"items": items, "total": total, "page": page, "per_page": per_page}
