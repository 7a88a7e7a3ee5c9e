"""Sign-in throttling — DOMAIN §1: failed sign-ins are counted per job number and per client address.

Both the console's form and ``POST /api/v1/tokens`` share the two budgets (settings
``KEFU_SIGNIN_LIMIT_PER_ACCOUNT`` / ``KEFU_SIGNIN_LIMIT_PER_ADDRESS``); only failures (401) count, so a
room of agents signing in behind one address at nine o'clock is not locked out. Once a budget is
spent every attempt, right password or not, gets 429 with ``Retry-After`` until the window ends or an
admin unlocks the person.
"""

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse_many

from crm.extensions import limiter

ACCOUNT_SCOPE = "signin-account"
ADDRESS_SCOPE = "signin-address"
LOCKED_MESSAGE = "Too many failed sign-ins; try again later or ask an admin to unlock the account."


def submitted_job_no():
    """The job number a sign-in request names (form or JSON body), trimmed."""
    body = request.get_json(silent=True) if request.is_json else request.form
    value = body.get("job_no") if hasattr(body, "get") else None
    return value.strip() if isinstance(value, str) else ""


def _failed(response):
    return response.status_code == 401


def throttled(view):
    """Decorate a sign-in view: POSTs are refused (429) once either budget of failures is spent."""
    budgets = (
        ("SIGNIN_LIMIT_PER_ACCOUNT", ACCOUNT_SCOPE, submitted_job_no),
        ("SIGNIN_LIMIT_PER_ADDRESS", ADDRESS_SCOPE, get_remote_address),
    )
    for setting, scope, key in budgets:
        view = limiter.shared_limit(
            _setting(setting),
            scope=scope,
            key_func=key,
            deduct_when=_failed,
            methods=["POST"],
            error_message=LOCKED_MESSAGE,
        )(view)
    return view


def _setting(name):
    return lambda: current_app.config[name]


def unlock(job_no):
    """Forget the failed sign-ins counted against ``job_no`` (an admin unlocking a locked-out person)."""
    for item in parse_many(current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"]):
        limiter.limiter.clear(item, job_no, ACCOUNT_SCOPE)
