"""``kefu sweep``: one escalation sweep run by hand, and what it prints (DOMAIN §5)."""

from functools import partial

import pytest

from tests.case_factories import OPENED, CaseFactory


@pytest.fixture
def run(kefu_lines):
    """``run(*args)``: (exit code, printed lines) of ``kefu sweep``."""
    return partial(kefu_lines, "sweep")


@pytest.fixture
def opened_monday(db, make, branch):
    """Two e-mail inquiries (reminder Tue 14:00, due Wed 10:00) and a complaint whose 5-minute dispatch
    clock ran out Monday 10:05, all opened Mon 23 November 10:00."""
    owner = make.staff(role="agent", branch=branch)
    make.staff(role="supervisor", branch=branch)
    factory = CaseFactory(db.session)
    inquiries = [factory.case(owner, opened_at=OPENED) for _ in range(2)]
    complaint = factory.case(owner, kind="complaint", opened_at=OPENED, clocks={"dispatch": (5, "minutes")})
    return [case.id for case in inquiries], complaint.id


def test_sweep_at_a_local_instant_prints_each_step_with_its_cases(run, opened_monday):
    (first, second), complaint = opened_monday

    code, lines = run("--at", "2026-11-25T10:00:00")

    assert code == 0
    assert lines == [
        "sweep at 2026-11-25T10:00:00+08:00",
        f"reminded: 2 (cases {first}, {second})",
        f"overdue: 2 (cases {first}, {second})",
        f"dispatch page: 1 (cases {complaint})",
    ]


def test_the_same_sweep_run_again_does_nothing(run, opened_monday):
    run("--at", "2026-11-25T02:00:00Z")

    code, lines = run("--at", "2026-11-25T10:00:00+08:00")

    assert code == 0
    assert lines == ["sweep at 2026-11-25T10:00:00+08:00", "nothing due"]


def test_a_sweep_before_anything_is_due_does_nothing(run, opened_monday):
    code, lines = run("--at", "2026-11-23T10:04:00+08:00")

    assert (code, lines[1:]) == (0, ["nothing due"])


def test_an_unreadable_instant_is_refused(run):
    code, lines = run("--at", "Wednesday")

    assert code == 2
    assert "is not an ISO 8601 instant" in lines[-1]
