"""The escalation ladder — DOMAIN §5 — taken by a periodic sweep, each step exactly once.

Every clock of a case (a ``CaseDeadline`` row) climbs its ladder one level at a time:

===== ============ ===================================================================
level falls due  step
===== ============ ===================================================================
1     remind_at    reminder to the owner (at 75 % of the allowed time)
2     due_at       the case is marked overdue and the owner's supervisor is told
3     head_at      one working day later the branch head is told
===== ============ ===================================================================

A complaint's ``dispatch`` clock (minutes, wall clock) has a single step at its due time:
the supervisor on duty is paged, at any hour.

The database is the truth, the queue only triggers: ``next_action_at`` says when a row's
next step falls due, and steps are *taken* by a conditional update
(``… SET level = m WHERE id IN (…) AND level = k AND met_at IS NULL RETURNING id``,
m = k+1, or higher when a late sweep finds several steps due: they are then recorded
in ladder order). Only the transaction whose update hits a row acts on it, and its
history events and notices commit with that update, so retries, restarts and many
workers can neither skip nor double a step.

The selection reads only the pending index (an index-only scan): the ids of up to ``PAGE_SIZE``
due rows at a time in queue order ``(next_action_at, id)``, paged by that key: no join, no row
locks, no other column (issue 13: locking every selected row and its case, batch by batch,
cost 15–30 × the bare read). Each batch is then claimed (``_claim``): its rows read again by
primary key, only those still due, unmet and of an open case, locked on PostgreSQL with ``FOR
NO KEY UPDATE SKIP LOCKED`` so that concurrent sweeps split the due rows instead of queueing
behind each other. A row read but not claimed (held elsewhere, met, reopened, or of a closed
case) is left to its holder or to the next sweep; paging by key carries the sweep past it
instead of reading it again. The conditional update stays the guarantee (on SQLite the only one).
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ARRAY,
    JSON,
    Text,
    any_,
    bindparam,
    cast,
    column,
    func,
    insert,
    literal,
    null,
    select,
    tuple_,
    update,
)
from sqlalchemy import case as sql_case

from crm.core.clock import as_utc
from crm.i18n import in_language
from crm.models import Case, CaseDeadline, CaseEvent, Notification, Staff
from crm.models.types import UTCDateTime
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.cases.notifications import notice_row
from crm.services.org.duty import Roster

# Cases in these states escalate no further, whatever their clocks say.
CLOSED_STATUSES = ("resolved", "closed")
# Notice texts are English msgids (``_l``), written in each recipient's language (crm/translations/texts).
CLOCK_LABELS = {"dispatch": _l("dispatch"), "first_response": _l("first response"), "resolution": _l("reply")}
BATCH_SIZE = 1000  # rows claimed and committed together
PAGE_SIZE = 20_000  # due rows (their ids) read by one selection, then claimed batch by batch
# The key before every row of the queue: where a sweep's paging starts.
QUEUE_START = (datetime(1970, 1, 1, tzinfo=UTC), 0)


@dataclass(frozen=True)
class Step:
    level: int  # the row's level once the step is taken
    time: str  # the CaseDeadline column saying when it falls due
    action: str  # CaseEvent.action written to the case history
    kind: str  # Notification.kind
    recipients: str  # who is told: a rule of the duty roster (crm.services.org.duty.TOLD)
    text: object  # notice text (lazy msgid), formatted with case_id, subject, clock, due, owner
    marks_overdue: bool = False
    urgent: bool = False  # its SMS may go out outside business hours


OWNER_LADDER = (
    Step(
        1,
        "remind_at",
        "escalation.reminded",
        "case_reminder",
        "owner",
        _l("Case #{case_id} “{subject}”: the {clock} deadline is {due}; please deal with it in time."),
    ),
    Step(
        2,
        "due_at",
        "escalation.overdue",
        "case_overdue",
        "supervisors",
        _l("Case #{case_id} “{subject}”: the {clock} deadline is past (due {due}); owner {owner}."),
        marks_overdue=True,
    ),
    Step(
        3,
        "head_at",
        "escalation.branch_head",
        "case_branch_head",
        "branch_head",
        _l("Case #{case_id} “{subject}”: the {clock} deadline is a working day past (due {due}); owner {owner}."),
    ),
)
DISPATCH_LADDER = (
    Step(
        2,
        "due_at",
        "escalation.dispatch_page",
        "complaint_dispatch",
        "duty_supervisors",
        _l("Complaint case #{case_id} “{subject}” was not dispatched in time (due {due}); dispatch it now."),
        urgent=True,
    ),
)
LADDERS = {"dispatch": DISPATCH_LADDER, "first_response": OWNER_LADDER, "resolution": OWNER_LADDER}
ACTIONS = tuple(step.action for step in (*OWNER_LADDER, *DISPATCH_LADDER))


def next_step(clock, level, times):
    """The next step of ``clock`` above ``level`` whose time is set in ``times`` (column → instant)."""
    return next((s for s in LADDERS[clock] if s.level > level and times.get(s.time) is not None), None)


def next_action_at(clock, level, remind_at=None, due_at=None, head_at=None):
    """When the next step of a clock at ``level`` falls due; None when nothing is left.

    What ``CaseDeadline.next_action_at`` must hold: set it with this at intake and reopen.
    """
    times = {"remind_at": remind_at, "due_at": due_at, "head_at": head_at}
    step = next_step(clock, level, times)
    return times[step.time] if step else None


@dataclass
class SweepSummary:
    """What a sweep did, for the CLI and the logs."""

    at: datetime
    steps: Counter = field(default_factory=Counter)  # action → how many taken
    case_ids: set = field(default_factory=set)
    step_cases: dict = field(default_factory=dict)  # action → ids of the cases it was taken for

    @property
    def total(self):
        return sum(self.steps.values())

    def as_dict(self):
        return {
            "at": self.at.isoformat(),
            "steps": {action: self.steps[action] for action in ACTIONS},
            "case_ids": sorted(self.case_ids),
        }


def sweep(session, at, calendar=None, batch_size=BATCH_SIZE, page_size=PAGE_SIZE):
    """Take every escalation step due by ``at``; returns a ``SweepSummary``.

    ``calendar`` (business hours for the SMS) defaults to the installation's calendar.

    Reads the due rows a page at a time, takes them in batches and commits each one: a big
    sweep holds its row locks briefly, and a crash loses at most the batch in hand, which the
    next sweep redoes. A row whose later steps are also due (a sweep after downtime) climbs
    them in order, each once.
    """
    calendar = calendar or installation_calendar(session)
    summary = SweepSummary(at=as_utc(at))
    roster = Roster(session)  # one per sweep: each branch's supervisors and head are looked up once
    written = Written(opening=calendar.next_opening(summary.at), zone=calendar.zone)
    after = QUEUE_START
    while True:
        ids = session.scalars(due_selection(summary.at, page_size, after)).all()
        if len(ids) == page_size:  # a next page: its start, read before the claims move the rows
            after = (session.scalar(queue_key(ids[-1])), ids[-1])
        session.commit()
        for start in range(0, len(ids), batch_size):
            _escalate_batch(session, ids[start : start + batch_size], summary, roster, written)
            session.commit()
        if len(ids) < page_size:
            return summary


def due_selection(at, limit, after=QUEUE_START):
    """The sweep's selection: the ids of pending clock rows whose next step is due by ``at``, in queue
    order ``(next_action_at, id)``, after the key ``after`` — one range of ``ix_case_deadlines_pending``,
    read from the index alone (``queue_key`` gives a page's last key, when there is a next page).

    Public so the benchmark (``scripts/bench/sweep.py``) times exactly the statement the sweep runs.
    The rest of each row, whether its case is still open and whether another sweep has it, is the
    claim's business (``_claim``).
    """
    key = tuple_(CaseDeadline.next_action_at, CaseDeadline.id)
    return (
        select(CaseDeadline.id)
        .where(
            CaseDeadline.met_at.is_(None),
            CaseDeadline.next_action_at.is_not(None),
            CaseDeadline.next_action_at <= at,
            key > tuple_(literal(after[0], UTCDateTime()), literal(after[1])),
        )
        .order_by(CaseDeadline.next_action_at, CaseDeadline.id)
        .limit(limit)
    )


def queue_key(deadline_id):
    """The queue key's time of one row, by primary key: where the sweep's next page starts."""
    return select(CaseDeadline.next_action_at).where(CaseDeadline.id == deadline_id)


def _claim(session, ids, at):
    """The rows among ``ids`` still to escalate by ``at``, with what the ladder and the notices need of
    their case, held until commit.

    Still pending and due (not met, nor restarted by a reopen since the page was read), of a case not
    resolved or closed. On PostgreSQL locked ``FOR NO KEY UPDATE SKIP LOCKED``: a row another sweep
    holds is passed over, that sweep takes it or lets it go; each row is checked as it then stands.
    The columns of the case and of its owner come with the claim (one statement, no ORM objects:
    a staff object the session expires at each batch's commit is read again when next used, one
    query per owner and batch); neither row is locked.
    """
    return session.execute(
        select(
            CaseDeadline.id,
            CaseDeadline.case_id,
            CaseDeadline.clock,
            CaseDeadline.level,
            CaseDeadline.remind_at,
            CaseDeadline.due_at,
            CaseDeadline.head_at,
            Case.subject,
            Case.owner_id,
            Case.branch_id,
            Case.complained_staff_id,
            Case.reopened_count,
            Staff.name.label("owner_name"),
            Staff.language.label("owner_language"),
            Staff.phone.label("owner_phone"),
            Staff.supervisor_id.label("owner_supervisor_id"),
        )
        .join(Case, Case.id == CaseDeadline.case_id)
        .join(Staff, Staff.id == Case.owner_id)
        .where(
            _among(session, CaseDeadline.id, ids),
            CaseDeadline.met_at.is_(None),
            CaseDeadline.next_action_at <= at,
            Case.status.not_in(CLOSED_STATUSES),
        )
        .order_by(CaseDeadline.next_action_at, CaseDeadline.id)
        .with_for_update(skip_locked=True, key_share=True, of=CaseDeadline)
    ).all()


def _among(session, column, ids):
    """``column IN ids`` (integer ids); on PostgreSQL ``column = ANY(:array)``, the array sent as one
    literal text ``{1,2,…}``: SQLAlchemy and the driver handle a batch's thousand placeholders at a cost
    above the query's, and the driver quotes a list element by element in Python (issue 13)."""
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(ids)
    array = "{" + ",".join(map(str, ids)) + "}"
    return column == any_(cast(bindparam("ids", array, type_=Text), ARRAY(column.type)))


def _escalate_batch(session, ids, summary, roster, written):
    """Claim the batch's rows (``ids`` from the selection) and take their due steps."""
    rows = _claim(session, ids, summary.at)
    plans = {row.id: _due_steps(row, summary.at) for row in rows}
    rows = _holding_cases_marked_overdue(session, rows, plans)
    taken = set()
    for (level, new_level), ids in _by_move(rows, plans).items():
        taken |= _take(session, ids, level, new_level, summary.at)
    overdue = set()
    for row in rows:
        if row.id not in taken or not plans[row.id]:
            continue
        for step in plans[row.id]:
            _record(written, step, row, summary.at, roster)
            summary.steps[step.action] += 1
            summary.step_cases.setdefault(step.action, set()).add(row.case_id)
            if step.marks_overdue:
                overdue.add(row.case_id)
        summary.case_ids.add(row.case_id)
    written.insert(session)
    if overdue:
        session.execute(
            update(Case)
            .where(_among(session, Case.id, overdue))
            .values(overdue=True)
            .execution_options(synchronize_session=False)
        )


def _holding_cases_marked_overdue(session, rows, plans):
    """``rows`` less those whose steps would mark a case overdue that someone else holds.

    Only these steps write the case row. Its lock is taken here, before the conditional update,
    with ``SKIP LOCKED``: a workflow change holds the case first and its clock rows next, so a sweep
    that held the clock rows and then waited for the case could deadlock with it. A row passed over
    stays due for the next sweep. (SQLite ignores the lock; its one writer serialises them anyway.)
    """
    marking = {row.case_id for row in rows if any(step.marks_overdue for step in plans[row.id])}
    if not marking:
        return rows
    held = set(
        session.scalars(
            select(Case.id)
            .where(_among(session, Case.id, marking))
            .order_by(Case.id)
            .with_for_update(skip_locked=True, key_share=True)
        )
    )
    return [row for row in rows if row.case_id in held or row.case_id not in marking]


def _due_steps(row, at):
    """The row's steps due by ``at``, in ladder order (several after downtime)."""
    times = {"remind_at": row.remind_at, "due_at": row.due_at, "head_at": row.head_at}
    steps, level = [], row.level
    while (step := next_step(row.clock, level, times)) and times[step.time] <= at:
        steps.append(step)
        level = step.level
    return steps


def _by_move(rows, plans):
    """{(level now, level after the due steps): [row ids]}: one conditional update per move.

    A row selected with nothing due (its ``next_action_at`` was set too early) "moves" to
    its own level: the update rewrites its ``next_action_at``, so it cannot hold the head
    of the queue and starve the rows behind it.
    """
    moves = {}
    for row in rows:
        new_level = plans[row.id][-1].level if plans[row.id] else row.level
        moves.setdefault((row.level, new_level), []).append(row.id)
    return moves


def _take(session, ids, level, new_level, at):
    """The conditional update that makes the steps from ``level`` up to ``new_level`` ours.

    Returns the ids it hit; a row another worker moved (or an owner met, or a reopen restarted)
    since it was claimed no longer matches ``level = :level AND met_at IS NULL AND next_action_at
    <= :at`` and is left alone — on PostgreSQL the claim's lock already rules that out; on SQLite
    this condition is the guarantee. The next step's time is computed in SQL from the row's own
    columns (``_next_action_sql``).
    """
    result = session.execute(
        update(CaseDeadline)
        .where(
            _among(session, CaseDeadline.id, ids),
            CaseDeadline.level == level,
            CaseDeadline.met_at.is_(None),
            CaseDeadline.next_action_at <= at,
        )
        .values(level=new_level, next_action_at=_next_action_sql(new_level))
        .returning(CaseDeadline.id)
        .execution_options(synchronize_session=False)
    )
    return set(result.scalars())


def _next_action_sql(level):
    """SQL twin of ``next_action_at``: per clock, the first set time of a step above ``level``."""
    whens = []
    for clock_name, ladder in LADDERS.items():
        later = [getattr(CaseDeadline, step.time) for step in ladder if step.level > level]
        if later:
            whens.append((CaseDeadline.clock == clock_name, func.coalesce(*later) if len(later) > 1 else later[0]))
    return sql_case(*whens, else_=null()) if whens else null()


@dataclass
class Written:
    """What a sweep writes: each batch's notices and history events, one insert per table and
    batch, and what every notice of the sweep shares: the calendar's next opening, its time zone
    (a notice shows the due time there), the notice templates in each language (``phrase``).

    The ORM's per-object flush, then the driver's row-by-row executemany, were most of a
    sweep's time: on PostgreSQL each table's rows go in one short statement (``_insert_rows``)."""

    opening: datetime
    zone: object
    notices: list = field(default_factory=list)
    events: list = field(default_factory=list)
    phrases: dict = field(default_factory=dict)  # (language, action, clock) → (template, clock label)
    local_times: dict = field(default_factory=dict)  # instant → its local "MM-DD HH:MM"

    def phrase(self, language, step, clock):
        """``step``'s notice template and the name of ``clock``, in ``language`` (translated once per sweep)."""
        key = (language, step.action, clock)
        if key not in self.phrases:
            with in_language(language):
                self.phrases[key] = (str(step.text), str(CLOCK_LABELS[clock]))
        return self.phrases[key]

    def local_time(self, instant):
        """``instant`` as a notice shows it, local and to the minute (computed once per sweep and instant)."""
        if instant not in self.local_times:
            self.local_times[instant] = as_utc(instant).astimezone(self.zone).strftime("%m-%d %H:%M")
        return self.local_times[instant]

    def insert(self, session):
        """Insert the batch's rows and forget them."""
        for model, rows in ((Notification, self.notices), (CaseEvent, self.events)):
            if rows:
                _insert_rows(session, model.__table__, rows)
        self.notices, self.events = [], []


def _insert_rows(session, table, rows):
    """Insert ``rows`` (dicts with the same keys) into ``table``.

    On PostgreSQL in one statement: the rows as one JSON text read back by ``json_to_recordset``
    (typed as the table's columns), and a column with the same value in every row (the sweep's
    instant, a notice kind…) bound once beside it. The C encoder writes that text in a fraction of
    the time the driver takes to quote an array per column, element by element, in Python (issue 13:
    most of a sweep's time). Elsewhere (SQLite) executemany.
    """
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    first, names = rows[0], list(rows[0])
    varying = [name for name in names if _varies([row[name] for row in rows])] or names
    document = json.dumps(
        [{name: row[name] for name in varying} for row in rows], default=_json_instant, ensure_ascii=False
    )
    recordset = (
        func.json_to_recordset(cast(bindparam("rows", document, type_=Text), JSON))
        .table_valued(*(column(name, table.c[name].type) for name in varying))
        .render_derived(with_types=True)
    )
    values = [recordset.c[name] if name in varying else literal(first[name], table.c[name].type) for name in names]
    session.execute(insert(table).from_select(names, select(*values)))


def _varies(values):
    """Whether ``values`` (one column of the rows) holds more than one value."""
    return values.count(values[0]) != len(values)


def _json_instant(value):
    """A datetime in the rows' JSON: ISO 8601 with its offset, as ``timestamptz`` reads it."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _recused(people, row, roster):
    """Nobody is told of a complaint about themselves: the branch's responsible person stands in for them."""
    accused = row.complained_staff_id
    kept = [person for person in people if person.id != accused]
    if kept or len(kept) == len(people):
        return kept
    return [roster.responsible_for(row.branch_id, excluding=accused)]


class Owner(NamedTuple):
    """A case's owner as the claim reads them: what the roster and a notice ask of a staff member."""

    id: int
    name: str
    language: str
    phone: str | None
    supervisor_id: int | None

    @classmethod
    def of(cls, row):
        return cls(row.owner_id, row.owner_name, row.owner_language, row.owner_phone, row.owner_supervisor_id)


def _record(written, step, row, at, roster):
    """The step's history event and notices, in the transaction of its conditional update (``row``: as claimed)."""
    owner = Owner.of(row)
    people = _recused(roster.told(step.recipients, owner, row.branch_id), row, roster)
    due = written.local_time(row.due_at)
    texts = {}
    for person in people:
        if person.language not in texts:
            template, clock = written.phrase(person.language, step, row.clock)
            texts[person.language] = template.format(
                case_id=row.case_id, subject=row.subject, clock=clock, due=due, owner=owner.name
            )
        key = dedupe_key(row.case_id, row.reopened_count, row.clock, step.level, person.id)
        written.notices.append(
            notice_row(
                person,
                row.case_id,
                step.kind,
                texts[person.language],
                key,
                at,
                urgent=step.urgent,
                opening=written.opening,
            )
        )
    written.events.append(
        {
            "case_id": row.case_id,
            "at": at,
            "actor_id": None,
            "action": step.action,
            "channel": None,
            "detail": {
                "clock": row.clock,
                "level": step.level,
                "due_at": row.due_at.isoformat(),  # aware UTC, as the column type reads it
                "step_due_at": getattr(row, step.time).isoformat(),
                "notified": [person.id for person in people],
            },
        }
    )


def dedupe_key(case_id, reopened_count, clock, level, recipient_id):
    """``case:{case}:{clock}:{level}:{recipient}``; a reopened case's new round adds ``:r{n}``."""
    key = f"case:{case_id}:{clock}:{level}:{recipient_id}"
    return f"{key}:r{reopened_count}" if reopened_count else key
