"""Phone lines: the dialled numbers the IVR answers, each a hotline or wealth-club line of a branch.

Everyone signed in may list them; admins add and remove them.
"""

from flask_smorest import Blueprint

from crm.api.schemas.phone_lines import PhoneLineIn, PhoneLineOut
from crm.auth import roles
from crm.extensions import db
from crm.services.org import organisation

URL = "phone-lines"
blp = Blueprint("phone_lines", __name__, description="Phone lines (dialled numbers and their line)")


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.response(200, PhoneLineOut(many=True))
def list_phone_lines():
    return organisation.phone_lines(db.session)


@blp.post("")
@roles("admin")
@blp.arguments(PhoneLineIn)
@blp.response(201, PhoneLineOut)
def add_phone_line(data):
    """Answer a number as a line of a branch; the number is stored in E.164 (409 if already a line)."""
    phone_line = organisation.add_phone_line(db.session, **data)
    db.session.commit()
    return phone_line


@blp.delete("/<int:line_id>")
@roles("admin")
@blp.response(204)
def remove_phone_line(line_id):
    organisation.remove_phone_line(db.session, line_id)
    db.session.commit()
