"""SMS templates: data with ``{variables}``, admin-editable, with defaults (``kefu load-defaults``).

The customer's own facts fill ``{name}``, ``{manager}``, ``{branch}`` and ``{hotline}``; any other
variable comes from the sender. A template's text is checked for marketing words when saved.

A customer whose ``language`` is not Chinese gets the template keyed ``<key>.<language>`` (``welcome.en``)
when there is one, else the Chinese one: the English texts are data the admin edits like the others.
"""

from string import Formatter

from flask_babel import gettext as _
from sqlalchemy import select

from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import DEFAULT_LANGUAGE, in_language
from crm.models import SmsTemplate
from crm.services.org.wording import refuse_marketing_words

WELCOME = "welcome"
# key → (name, body). Every customer SMS ends with the way out (``outbox.OPT_OUT_HINT``).
DEFAULT_TEMPLATES = {
    WELCOME: (
        "新客户欢迎短信",
        "【{branch}】尊敬的{name}，欢迎您成为我们的客户！您的客户经理是{manager}，如有任何问题请拨打{hotline}。",
    ),
    "case_update": (
        "工单处理进展",
        "【{branch}】尊敬的{name}，您反映的问题已有处理结果，客户经理{manager}将与您联系，您也可拨打{hotline}查询。",
    ),
    "visit_reminder": ("预约拜访提醒", "【{branch}】尊敬的{name}，提醒您{time}的预约，如需改期请拨打{hotline}。"),
    "disclosure_reminder": (
        "风险揭示提醒",
        "【{branch}】尊敬的{name}，请您再次阅读并确认所办理业务的风险揭示书，详询{hotline}。",
    ),
    "welcome.en": (
        "Welcome message (English)",
        "[{branch}] Dear {name}, welcome! Your account manager is {manager}; for any question call {hotline}.",
    ),
    "case_update.en": (
        "Case progress (English)",
        "[{branch}] Dear {name}, the matter you raised has a result; {manager} will contact you, or call {hotline}.",
    ),
    "visit_reminder.en": (
        "Visit reminder (English)",
        "[{branch}] Dear {name}, a reminder of your appointment at {time}; to change it call {hotline}.",
    ),
    "disclosure_reminder.en": (
        "Risk disclosure reminder (English)",
        "[{branch}] Dear {name}, please read and confirm again the risk disclosure of your services; "
        "call {hotline} for details.",
    ),
}
UPDATABLE = ("name", "body")


def template_variables(body):
    """The ``{variables}`` ``body`` uses, in order; 422 when it is not a valid template."""
    try:
        names = [field for _, field, _, _ in Formatter().parse(body) if field is not None]
    except ValueError as exc:
        raise InvalidInput("The template's braces do not match.", {"body": [str(exc)]}) from None
    if any(not name.isidentifier() for name in names):
        raise InvalidInput("Template variables are plain names, e.g. {name}.", {"body": ["Use {name} variables."]})
    return list(dict.fromkeys(names))


def customer_facts(customer):
    branch = customer.branch
    with in_language(customer.language):
        nobody = _("the customer service centre")
    return {
        "name": customer.name,
        "manager": customer.manager.name if customer.manager else nobody,
        "branch": branch.name if branch else "",
        "hotline": (branch.hotline if branch else None) or "",
    }


def render(template, customer, variables=None):
    """``template``'s text for ``customer``: 422 naming the variables the sender did not give."""
    values = {**(variables or {}), **customer_facts(customer)}
    missing = [name for name in template_variables(template.body) if name not in values]
    if missing:
        raise InvalidInput(
            f"Template {template.key} needs: {', '.join(missing)}.",
            {"variables": [f"Missing: {', '.join(missing)}."]},
        )
    return template.body.format_map(values)


def by_key(session, key):
    template = session.scalar(select(SmsTemplate).where(SmsTemplate.key == key))
    if template is None:
        raise NotFound(f"No SMS template {key}.", {"template": ["No such template."]})
    return template


def for_customer(session, key, customer):
    """The template keyed ``key`` in ``customer``'s language when there is one, else ``key`` itself."""
    if customer.language != DEFAULT_LANGUAGE:
        translated = session.scalar(select(SmsTemplate).where(SmsTemplate.key == f"{key}.{customer.language}"))
        if translated is not None:
            return translated
    return by_key(session, key)


def templates_query():
    return select(SmsTemplate).order_by(SmsTemplate.key)


def create_template(session, *, key, name, body):
    if session.scalar(select(SmsTemplate.id).where(SmsTemplate.key == key)):
        raise Conflict(f"Template key {key} is taken.", {"key": ["Already in use."]})
    _check_body(session, body)
    template = SmsTemplate(key=key, name=name, body=body)
    session.add(template)
    return template


def update_template(session, template, changes):
    if "body" in changes:
        _check_body(session, changes["body"])
    for name in UPDATABLE:
        if name in changes:
            setattr(template, name, changes[name])
    return template


def delete_template(session, template):
    if template.key == WELCOME:
        raise Conflict("The welcome template is needed while a branch sends welcome messages; edit it instead.")
    session.delete(template)


def _check_body(session, body):
    template_variables(body)
    refuse_marketing_words(session, body=body)


def ensure_default_templates(session):
    """Add the default templates whose key is missing; edited ones stay. Returns how many were added."""
    present = set(session.scalars(select(SmsTemplate.key)))
    added = [
        SmsTemplate(key=key, name=name, body=body)
        for key, (name, body) in DEFAULT_TEMPLATES.items()
        if key not in present
    ]
    session.add_all(added)
    return len(added)
