"""Branches (营业部): everyone may list them; admins add them."""

from flask_smorest import Blueprint
from sqlalchemy import select

from crm.api.schemas.staff import BranchIn, BranchOut
from crm.auth import roles
from crm.extensions import db
from crm.models import Branch
from crm.services import organisation

URL = "branches"
blp = Blueprint("branches", __name__, description="Branches")


@blp.get("")
@roles("agent", "supervisor", "admin")
@blp.response(200, BranchOut(many=True))
def list_branches():
    return db.session.scalars(select(Branch).order_by(Branch.code)).all()


@blp.post("")
@roles("admin")
@blp.arguments(BranchIn)
@blp.response(201, BranchOut)
def add_branch(data):
    branch = organisation.create_branch(db.session, **data)
    db.session.commit()
    return branch
