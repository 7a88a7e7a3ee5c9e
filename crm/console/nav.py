"""The console's menu: each page states its entry where it is defined, with the roles that see it.

    @console.get("/board")
    @menu_entry(_l("Supervisor board"), roles=("supervisor", "admin"), order=20)
    def board(): ...

``base.html`` lists the entries the signed-in person's role may open, in ``order``.
"""

from dataclasses import dataclass

from flask import request


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: object  # a lazy gettext string: translated when the page is rendered
    roles: tuple
    order: int
    available: object = None  # a callable: False hides the entry (e.g. the phone simulator with real Twilio)


ENTRIES = []


def menu_entry(label, roles, order, available=None):
    def register(view):
        ENTRIES.append(MenuEntry(f"console.{view.__name__}", label, tuple(roles), order, available))
        ENTRIES.sort(key=lambda entry: entry.order)
        return view

    return register


def menu_for(staff):
    """The entries ``staff`` may open, each with whether it is the current page."""
    if staff is None:
        return []
    return [
        (entry, entry.endpoint == request.endpoint)
        for entry in ENTRIES
        if staff.role in entry.roles and (entry.available is None or entry.available())
    ]
