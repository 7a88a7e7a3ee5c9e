"""The production processes of the call-centre benchmark, as the Procfile runs them, and their CPU.

``Production`` starts gunicorn (``wsgi:app``, the Procfile's options), two ``flask --app wsgi worker`` and one
``flask --app wsgi scheduler``, each in its own session so that stopping one stops its children (gunicorn's
workers, RQ's work horses). ``CpuMeter`` reads ``/proc``: the CPU seconds of each group of processes (a process
and its descendants, dead children included once reaped), so a step's CPU is the difference of two readings.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")
WORKERS = 2


class Production:
    """The web, worker and scheduler processes on ``port`` with ``env``; logs under ``logs``."""

    def __init__(self, env, port, logs, web_workers=2, web_threads=32):
        self.env, self.port, self.logs = env, port, logs
        self.web = ["-w", str(web_workers), "--threads", str(web_threads), "-b", f"127.0.0.1:{port}"]
        self.groups = {}  # name → [Popen]

    def start(self):
        gunicorn = str(ROOT / ".venv/bin/gunicorn")
        self._start("web", [gunicorn, *self.web, "--log-level", "warning", "wsgi:app"])
        for n in range(WORKERS):
            self._start("workers", _flask("worker"), f"worker{n}")
        self._start("scheduler", _flask("scheduler"))

    def _start(self, group, command, log_name=None):
        with open(self.logs / f"{log_name or group}.log", "a") as log:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.groups.setdefault(group, []).append(process)

    def exited(self):
        """Names of the groups with a process that is no longer running."""
        return sorted({group for group, processes in self.groups.items() for p in processes if p.poll() is not None})

    def stop(self):
        processes = [p for group in self.groups.values() for p in group]
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def pids(self):
        return {group: [p.pid for p in processes] for group, processes in self.groups.items()}


def _flask(*args):
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def _stat(pid):
    """``(ppid, own CPU seconds, reaped children's CPU seconds)`` of ``pid``, None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return int(fields[1]), (utime + stime) / TICKS, (cutime + cstime) / TICKS


def _all_stats():
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            stats[int(entry)] = stat
    return stats


def tree_cpu(roots, stats):
    """CPU seconds of the processes ``roots`` and every live descendant, plus what their reaped children used."""
    children = {}
    for pid, (ppid, _, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo, seen = 0.0, list(roots), set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in stats:
            continue
        seen.add(pid)
        _, own, reaped = stats[pid]
        total += own + reaped
        todo.extend(children.get(pid, ()))
    return total


def machine_busy_seconds():
    """CPU seconds spent busy by the whole machine so far (all cores, every process: other helpers too)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICKS


class CpuMeter:
    """Readings of CPU seconds per group: the production groups, PostgreSQL's backends of our database
    (``backend_pids()``), redis-server (shared by every user of this Redis) and this driver process."""

    def __init__(self, production, backend_pids, redis_pid):
        self.production, self.backend_pids, self.redis_pid = production, backend_pids, redis_pid

    def read(self):
        stats = _all_stats()
        reading = {group: tree_cpu(pids, stats) for group, pids in self.production.pids().items()}
        reading["postgres"] = {pid: stats[pid][1] for pid in self.backend_pids() if pid in stats}
        reading["redis"] = stats[self.redis_pid][1] if self.redis_pid in stats else 0.0
        reading["driver"] = time.process_time()
        reading["machine"] = machine_busy_seconds()
        return reading


def cores_used(before, after, seconds):
    """Average cores each group used between two readings over ``seconds``."""
    used = {}
    for group, value in after.items():
        if group == "postgres":  # per backend: a backend born during the step counts from zero
            spent = sum(cpu - before[group].get(pid, 0.0) for pid, cpu in value.items())
        else:
            spent = value - before.get(group, 0.0)
        used[group] = round(max(spent, 0.0) / seconds, 3)
    return used
