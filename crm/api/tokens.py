"""Sign in for an API token: job number and password in, a new bearer token out (throttled)."""

from flask_smorest import Blueprint

from crm import signin
from crm.api.schemas.errors import ErrorOut
from crm.api.schemas.staff import SignIn, TokenInfo, TokenOut
from crm.auth import Unauthorized
from crm.extensions import db
from crm.services.org import credentials
from crm.services.org.staff import check_login

URL = "tokens"
blp = Blueprint("tokens", __name__, description="Sign in with a job number and password for an API token")


@blp.post("")
@signin.throttled
@blp.arguments(SignIn)
@blp.response(201, TokenOut)
@blp.alt_response(401, schema=ErrorOut, description="Wrong job number or password.")
@blp.alt_response(
    429,
    schema=ErrorOut,
    description="Too many failed sign-ins: wait for Retry-After seconds, or ask an admin to unlock.",
)
def sign_in(data):
    """A new API token for whoever signs in (shown once). No bearer token needed; failed sign-ins are
    throttled per job number and per client address, like the console's."""
    staff = check_login(db.session, data["job_no"], data["password"])
    if staff is None:
        raise Unauthorized("Wrong job number or password.")
    credential, secret = credentials.issue(staff, "api", data.get("label"))
    db.session.commit()
    return token_body(credential, secret)


def token_body(credential, secret):
    """What ``TokenOut`` shows of a newly issued token: its listing and, this once, its secret."""
    return {name: getattr(credential, name) for name in TokenInfo().fields} | {"api_token": secret}
