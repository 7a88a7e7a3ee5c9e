"""The duty roster — DOMAIN §1, §5: who is told when work needs a person, and who must act on it.

The one place that names them, in terms of staff and branches (a case, a complaint or a visit
check asks with its owner and its branch):

=================== ==============================================================================
``supervisors_of``  the staff member's own supervisor when active, else ``on_duty`` in the branch
``on_duty``         the branch's supervisors on duty, else every active supervisor of the branch
``head_of``         the branch head when active, else ``supervisors_of`` the staff member
``responsible_for`` who owns work arriving at a branch with nobody named yet (a case the IVR opens):
                    the first supervisor on duty, else the active head, else any active supervisor
                    of the branch, else any active admin — never nobody (首问负责制)
=================== ==============================================================================

Supervisors are listed by id. A ``Roster`` remembers the staff and branch look-ups it made for
its lifetime: the escalation sweep uses one per sweep, so a branch costs one query per sweep,
not one per case.
"""

from sqlalchemy import select

from crm.errors import NotFound
from crm.models import Branch, Staff


class Roster:
    """Who is on duty, who heads each branch and who is above whom, looked up once per roster."""

    def __init__(self, session):
        self.session = session
        self._staff = {}  # held here: the session's identity map only keeps weak references
        self._supervisors = {}  # branch id → (on duty, every active supervisor)
        self._head_ids = {}

    def told(self, rule, owner, branch_id):
        """Who ``rule`` (a key of ``TOLD``) names for work ``owner`` holds in ``branch_id``."""
        return TOLD[rule](self, owner, branch_id)

    def supervisors_of(self, staff, branch_id):
        """``staff``'s own supervisor when active, else the supervisors ``on_duty`` in ``branch_id``."""
        own = self._active(staff.supervisor_id)
        return [own] if own else self.on_duty(branch_id)

    def on_duty(self, branch_id):
        """The branch's supervisors on duty, else every active supervisor of the branch."""
        on_duty, everyone = self._branch_supervisors(branch_id)
        return on_duty or everyone

    def head_of(self, branch_id, staff):
        """The head of ``branch_id`` when active, else the ``supervisors_of`` ``staff`` (whose work it is)."""
        head = self._active(self._head_id(branch_id))
        return [head] if head else self.supervisors_of(staff, branch_id)

    def responsible_for(self, branch_id, excluding=None):
        """Who owns work arriving at ``branch_id`` until someone takes it over; NotFound when nobody can.

        The supervisor on duty (they are paged for complaints and dispatch the work), else the
        branch's head, else any active supervisor of the branch, else any active admin — never the
        staff member ``excluding`` (the person a complaint is about).
        """
        on_duty, everyone = self._branch_supervisors(branch_id)
        head = self._active(self._head_id(branch_id))
        admins = select(Staff).where(Staff.role == "admin", Staff.is_active, Staff.id != (excluding or 0))
        person = (
            next((s for s in on_duty if s.id != excluding), None)
            or (head if head is not None and head.id != excluding else None)
            or next((s for s in everyone if s.id != excluding), None)
            or self.session.scalars(admins.order_by(Staff.id)).first()
        )
        if person is None:
            raise NotFound(f"Nobody can own a case for branch {branch_id}.")
        return person

    def _active(self, staff_id):
        staff = self._get(staff_id) if staff_id else None
        return staff if staff is not None and staff.is_active else None

    def _get(self, staff_id):
        if staff_id not in self._staff:
            self._staff[staff_id] = self.session.get(Staff, staff_id)
        return self._staff[staff_id]

    def _head_id(self, branch_id):
        if branch_id not in self._head_ids:
            self._head_ids[branch_id] = self.session.scalar(select(Branch.head_id).where(Branch.id == branch_id))
        return self._head_ids[branch_id]

    def _branch_supervisors(self, branch_id):
        """(on duty, all) of the branch's active supervisors, by id."""
        if branch_id not in self._supervisors:
            everyone = self.session.scalars(
                select(Staff)
                .where(Staff.branch_id == branch_id, Staff.role == "supervisor", Staff.is_active.is_(True))
                .order_by(Staff.id)
            ).all()
            self._supervisors[branch_id] = ([staff for staff in everyone if staff.on_duty], everyone)
        return self._supervisors[branch_id]


# Who is told, by the names the escalation ladder gives them (``Step.recipients``), of work ``owner``
# holds in ``branch_id``.
TOLD = {
    "owner": lambda roster, owner, branch_id: [owner],
    "supervisors": lambda roster, owner, branch_id: roster.supervisors_of(owner, branch_id),
    "duty_supervisors": lambda roster, owner, branch_id: roster.on_duty(branch_id),
    "branch_head": lambda roster, owner, branch_id: roster.head_of(branch_id, owner),
}
