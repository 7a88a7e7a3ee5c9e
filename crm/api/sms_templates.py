"""SMS templates (texts with ``{variables}``): staff read them to send, admins edit them."""

from flask_smorest import Blueprint

from crm.api.common import PageArgs, page_schema, paginate
from crm.api.schemas.messages import TemplateIn, TemplateOut, TemplatePatch
from crm.auth import roles
from crm.extensions import db
from crm.services.messages import templates

URL = "sms-templates"
blp = Blueprint("sms_templates", __name__, description="SMS templates for messages to customers")


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(TemplateOut, "SmsTemplatePage"))
def list_templates(args):
    """Templates by key. ``{name}``, ``{manager}``, ``{branch}`` and ``{hotline}`` come from the customer;
    other variables are given when sending."""
    return paginate(templates.templates_query(), args)


@blp.post("")
@roles("admin")
@blp.arguments(TemplateIn)
@blp.response(201, TemplateOut)
def add_template(data):
    """A new template; its text may not contain a forbidden marketing word (422)."""
    template = templates.create_template(db.session, **data)
    db.session.commit()
    return template


@blp.patch("/<key>")
@roles("admin")
@blp.arguments(TemplatePatch)
@blp.response(200, TemplateOut)
def change_template(changes, key):
    template = templates.update_template(db.session, templates.by_key(db.session, key), changes)
    db.session.commit()
    return template


@blp.delete("/<key>")
@roles("admin")
@blp.response(204)
def remove_template(key):
    """Remove a template (not ``welcome``: edit it instead)."""
    templates.delete_template(db.session, templates.by_key(db.session, key))
    db.session.commit()
