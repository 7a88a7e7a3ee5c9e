"""Branches (营业部): everyone may list them; admins add them and change their name, hotline and head."""

from flask_smorest import Blueprint
from sqlalchemy import select

from crm.api.schemas.staff import BranchIn, BranchOut, BranchPatch
from crm.auth import roles
from crm.errors import NotFound
from crm.extensions import db
from crm.models import Branch
from crm.services.org import organisation

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


@blp.patch("/<int:branch_id>")
@roles("admin")
@blp.arguments(BranchPatch)
@blp.response(200, BranchOut)
def change_branch(changes, branch_id):
    """Change a branch's name, hotline or head (an active supervisor of the branch; escalations reach them)."""
    branch = db.session.get(Branch, branch_id)
    if branch is None:
        raise NotFound(f"No branch {branch_id}.")
    organisation.update_branch(db.session, branch, changes)
    db.session.commit()
    return branch
