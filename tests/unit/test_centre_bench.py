"""The pure parts of the call-centre benchmark (``scripts/bench/centre.py``): the steps, a step's schedule, its
verdict, and the check of lost and duplicated steps against a tiny database. Not the benchmark itself."""

from sqlalchemy import insert

from crm.models import Call, CallEvent
from scripts.bench import centre_plan as plan
from scripts.bench.centre_check import check_calls, expected_event_keys
from tests.case_factories import CaseFactory


def test_rates_double_up_to_sixteen_then_rise_by_eight():
    assert plan.rates(2, 40) == [2, 4, 8, 16, 24, 32, 40]
    assert plan.rates(3, 20) == [3, 6, 12, 16]
    assert plan.rates(24, 30) == [24]


def test_a_steps_calls_are_evenly_spaced_numbered_on_and_follow_the_flow_cycle():
    planned = plan.schedule(4, 5, first=7)
    assert len(planned) == 20
    assert [offset for offset, _, _ in planned[:3]] == [0, 0.25, 0.5]
    assert [number for _, number, _ in planned] == list(range(7, 27))
    assert [flow for _, _, flow in planned[:10]] == [plan.FLOWS[(7 + n) % 10] for n in range(10)]
    assert plan.FLOWS.count("agent") == 5


def test_endpoints_are_named_without_their_ids_or_query():
    assert plan.endpoint("/twilio/surveys/12/questions/3?try=1") == "/twilio/surveys/<id>/questions/<id>"
    assert plan.endpoint("/twilio/voice/menu?attempt=0") == "/twilio/voice/menu"
    assert plan.endpoint("/api/v1/cases/981/reply") == "/api/v1/cases/<id>/reply"


def test_percentile_is_the_nearest_rank():
    assert plan.percentile(list(range(1, 101)), 99) == 99
    assert plan.percentile([5, 1, 3], 50) == 3
    assert plan.percentile([], 99) is None


def _step(webhook_ms, **figures):
    step = plan.StepFigures(rate=8, seconds=25, calls=200, **figures)
    step.latencies = {"/twilio/voice/incoming": webhook_ms, "/api/v1/cases": [900.0]}
    return step


def test_a_step_holds_only_under_every_limit_and_the_api_does_not_count_as_a_webhook():
    assert plan.failures(_step([10.0] * 99 + [150.0])) == []
    slow = _step([10.0] * 98 + [250.0, 260.0])
    assert [reason for reason, _ in plan.failures(slow)] == ["webhook_p99"]
    lagging = _step([10.0], queue_lag_s=6.0, lost=1, cpu={"workers": 0.9, "postgres": 0.2})
    assert [reason for reason, _ in plan.failures(lagging)] == ["queue_lag", "lost_or_duplicated"]
    assert plan.saturated(lagging, machine_cores=2) == "queue_lag: workers CPU 0.90 cores"
    slow.cpu = {"web": 1.7, "postgres": 0.2, "driver": 0.1, "machine": 2.0}
    assert plan.saturated(slow, machine_cores=2) == "webhook_p99: web CPU 1.70 cores (machine CPU full)"
    slow.cpu = {"web": 0.4, "postgres": 0.1, "machine": 2.0}
    others = "webhook_p99: machine CPU full, 1.50 of 2 cores used by other processes"
    assert plan.saturated(slow, machine_cores=2) == others


def test_cpu_per_call_gives_the_rate_the_cores_would_carry_alone():
    step = _step([10.0], cpu={"web": 0.8, "workers": 0.1, "postgres": 0.1, "driver": 0.05, "machine": 1.5})
    assert step.cpu_per_call()["web"] == 0.1  # 0.8 cores × 25 s / 200 calls
    assert plan.calls_per_s_alone(step, cores=2) == 16.0


def _call(db, sid, flow, steps=None):
    call = Call(sid=sid, direction="inbound", status="completed")
    db.session.add(call)
    db.session.flush()
    keys = expected_event_keys(sid, flow) if steps is None else steps
    rows = [{"call_id": call.id, "kind": key.split(":")[-1], "dedupe_key": key} for key in keys]
    if rows:
        db.session.execute(insert(CallEvent), rows)
    return call


def test_the_check_counts_missing_calls_events_and_cases_and_duplicated_cases(db, make):
    agent = make.staff(branch=make.branch())
    cases = CaseFactory(db.session)
    _call(db, "CAwhole", "callback")
    cases.case(agent, kind="inquiry", source_ref="callback:CAwhole")
    _call(db, "CAnocase", "voicemail")
    _call(db, "CAtwice", "complaint")
    cases.case(agent, kind="inquiry", source_ref="complaint:CAtwice")
    cases.case(agent, kind="inquiry", source_ref="callback:CAtwice")
    _call(db, "CAnoevent", "agent", steps=["CAnoevent:incoming"])
    cases.case(agent, kind="inquiry", source_ref="call:CAnoevent")
    db.session.commit()
    walked = [("CAwhole", "callback"), ("CAnocase", "voicemail"), ("CAtwice", "complaint")]
    walked += [("CAnoevent", "agent"), ("CAlost", "callback")]

    found = check_calls(db.session, walked)

    assert found["missing"] == {"call": 1, "event": 2 + 3, "case": 2}
    assert found["duplicated"] == {"case": 1}
