"""The pure parts of the call-centre benchmark (``centre.py``): the rising steps, each step's call
schedule, the figures of a step and whether it held, and what saturated first. No I/O here.
"""

import re
from dataclasses import dataclass, field

# A step holds when every webhook's p99 is under this, the queue lag under ``MAX_QUEUE_LAG_S`` and no step
# of any call was lost or duplicated (issue 13, item 5).
MAX_WEBHOOK_P99_MS = 200
MAX_QUEUE_LAG_S = 5
# A call the driver started this late (its own backlog: the server answered too slowly) makes the step fail.
MAX_START_LAG_S = 1.0
# How a centre's calls go, in a cycle of ten: half reach an agent (a VIP caller, rung to their own manager,
# who then opens, answers and resolves a case through the API; a survey call follows), two complain, two
# book a callback, one waits for agents who do not answer and leaves a voicemail.
FLOWS = ("agent", "complaint", "agent", "callback", "agent", "voicemail", "agent", "complaint", "agent", "callback")
# Above this the rate rises by this much per step instead of doubling.
DOUBLING_UP_TO = 16
LINEAR_STEP = 8


def rates(start_rate, max_rate):
    """The new calls per second of each step: doubling from ``start_rate`` up to 16, then +8 up to ``max_rate``."""
    steps, rate = [], start_rate
    while rate <= max_rate:
        steps.append(rate)
        rate = rate * 2 if rate < DOUBLING_UP_TO else rate + LINEAR_STEP
        if steps[-1] < DOUBLING_UP_TO < rate:
            rate = DOUBLING_UP_TO
    return steps


def schedule(rate, seconds, first=0):
    """``(offset in seconds, call number, flow)`` of each new call of a step, evenly spaced; numbers from ``first``."""
    count = round(rate * seconds)
    return [(n / rate, first + n, FLOWS[(first + n) % len(FLOWS)]) for n in range(count)]


_ID = re.compile(r"/\d+(?=/|$)")


def endpoint(path):
    """A path with its ids as ``<id>``: ``/twilio/surveys/12/questions/3`` → ``…/<id>/questions/<id>``."""
    return _ID.sub("/<id>", path.split("?", 1)[0])


def percentile(values, q):
    """The ``q``-th percentile (0–100) by the nearest-rank method; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


@dataclass
class StepFigures:
    """What one step measured. ``latencies``: endpoint → ms; ``cpu``: group → cores used on average."""

    rate: float
    seconds: float
    calls: int
    latencies: dict = field(default_factory=dict)
    errors: int = 0
    queue_lag_s: float = 0.0
    start_lag_s: float = 0.0
    lost: int = 0
    duplicated: int = 0
    cpu: dict = field(default_factory=dict)

    def webhooks(self):
        """Endpoint → (count, p50, p99) of the Twilio webhooks only."""
        return {
            name: (len(ms), percentile(ms, 50), percentile(ms, 99))
            for name, ms in sorted(self.latencies.items())
            if name.startswith("/twilio/")
        }

    def worst_p99(self):
        return max((p99 for _, _, p99 in self.webhooks().values()), default=0.0)

    def cpu_per_call(self):
        """CPU seconds per call of each group of the centre (and the driver): what a call costs, whatever else
        the machine is doing — the basis of a capacity estimate where the latencies are noise."""
        return {group: round(self.cpu.get(group, 0.0) * self.seconds / self.calls, 4) for group in CENTRE + ("driver",)}


# The process groups a centre runs: together they decide how many calls a core carries.
CENTRE = ("web", "workers", "scheduler", "postgres", "redis")


def calls_per_s_alone(step, cores):
    """The new calls per second ``cores`` would carry at ``step``'s CPU cost per call, with nothing else running."""
    per_call = sum(value for group, value in step.cpu_per_call().items() if group in CENTRE)
    return round(cores / per_call, 1) if per_call else None


def failures(step):
    """Why ``step`` did not hold: a list of ``(reason, detail)``; empty when it held."""
    found = []
    slow = {name: p99 for name, (_, _, p99) in step.webhooks().items() if p99 >= MAX_WEBHOOK_P99_MS}
    if slow:
        found.append(("webhook_p99", ", ".join(f"{name} {p99:.0f} ms" for name, p99 in slow.items())))
    if step.queue_lag_s >= MAX_QUEUE_LAG_S:
        found.append(("queue_lag", f"{step.queue_lag_s:.1f} s"))
    if step.lost or step.duplicated:
        found.append(("lost_or_duplicated", f"{step.lost} lost, {step.duplicated} duplicated"))
    if step.errors:
        found.append(("errors", f"{step.errors} answers other than 2xx or failed walks"))
    if step.start_lag_s >= MAX_START_LAG_S:
        found.append(("driver_backlog", f"calls started up to {step.start_lag_s:.1f} s late"))
    return found


# What may have run out when a step fails on latency: the busiest of these, by CPU.
LATENCY_SUSPECTS = ("web", "postgres", "driver")
QUEUE_SUSPECTS = ("workers", "postgres", "scheduler")


def saturated(step, machine_cores):
    """What saturated first in a failed step: the reason, and the busiest process group behind it — or the
    other processes of the machine, when its CPU was full and they had most of it."""
    reasons = failures(step)
    if not reasons:
        return None
    reason = reasons[0][0]
    suspects = QUEUE_SUSPECTS if reason == "queue_lag" else LATENCY_SUSPECTS
    busy = {name: step.cpu.get(name, 0.0) for name in suspects}
    busiest = max(busy, key=busy.get)
    machine = step.cpu.get("machine", 0.0)
    ours = sum(step.cpu.get(name, 0.0) for name in (*CENTRE, "driver"))
    if machine >= 0.9 * machine_cores and machine - ours > ours:
        return f"{reason}: machine CPU full, {machine - ours:.2f} of {machine_cores} cores used by other processes"
    full = " (machine CPU full)" if machine >= 0.9 * machine_cores else ""
    return f"{reason}: {busiest} CPU {busy[busiest]:.2f} cores{full}"
