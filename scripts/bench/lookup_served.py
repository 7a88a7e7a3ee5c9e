"""The screen pop served as in production, and its floor served the same way, timed with ``wrk``.

``floor_app`` is the least a server can do for a screen pop: a minimal Flask route that runs the
benchmark's bare indexed query with psycopg (one connection per worker, autocommit) and returns its
row as JSON, or 404. Both it and ``wsgi:app`` run under the Procfile's web settings (gunicorn, sync
workers); ``wrk`` (Debian package ``wrk``) drives each with a Lua script that walks through the
same phone numbers, so the load generator is a C program rather than Python sharing the server's
CPU. The Lua script also counts the statuses: anything but 200 (a hit) or 404 (a miss) fails the run.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from flask import Flask, jsonify, request

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
FLOOR_SQL = (
    "SELECT c.id, c.name, c.customer_class FROM customer_phones p JOIN customers c ON c.id = p.customer_id "
    "WHERE p.e164 = {mark} LIMIT 1"
)
WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
%(header)s
local i = 0
ok, missing, other = 0, 0, 0  -- globals: done() reads them with thread:get
local threads = {}

function setup(thread) table.insert(threads, thread) end

function request()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status)
  if status == 200 then ok = ok + 1 elseif status == 404 then missing = missing + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("ok"); b = b + t:get("missing"); c = c + t:get("other") end
  io.write(string.format('{"requests": %%d, "p50_us": %%d, "p99_us": %%d, "ok": %%d, "not_found": %%d, ' ..
    '"other": %%d, "socket_errors": %%d}\\n', summary.requests, latency:percentile(50), latency:percentile(99),
    a, b, c, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def floor_app():
    """The floor: Flask, one psycopg query (sqlite3 on SQLite), its row as JSON."""
    app = Flask("lookup_floor")
    url = os.environ.get("DATABASE_URL", "")
    state = {}

    def connection():
        if "db" not in state:
            if url.startswith("postgresql"):
                import psycopg

                state["db"] = psycopg.connect(url.replace("+psycopg", ""), autocommit=True)
                state["sql"] = FLOOR_SQL.format(mark="%s")
            else:
                state["db"] = sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
                state["sql"] = FLOOR_SQL.format(mark="?")
        return state["db"]

    @app.get("/lookup")
    def lookup():
        row = connection().execute(state["sql"], (request.args["phone"],)).fetchone()
        if row is None:
            return jsonify(error={"code": "not_found"}), 404
        return jsonify(id=row[0], name=row[1], **{"class": row[2]})

    @app.get("/")
    def alive():
        return "ok"

    return app


def wrk_latency(port, paths, seconds, connections, token=None):
    """``wrk`` against 127.0.0.1:``port`` walking through ``paths`` for ``seconds`` (after a 2 s warm-up):
    {"requests", "p50_ms", "p99_ms", "ok", "not_found"}; any other status or a socket error fails the run."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    with tempfile.TemporaryDirectory() as folder:
        path_file, script = Path(folder, "paths.txt"), Path(folder, "lookup.lua")
        path_file.write_text("\n".join(paths) + "\n")
        header = f'wrk.headers["Authorization"] = "Bearer {token}"' if token else ""
        script.write_text(WRK_SCRIPT % {"paths": path_file, "header": header})
        for duration in (2, seconds):
            command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", str(script), f"http://{HOST}:{port}"]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    if figures["other"] or figures["socket_errors"] or not figures["ok"]:
        raise SystemExit(f"wrk on port {port}: unexpected answers {figures}")
    return {
        "requests": figures["requests"],
        "p50_ms": figures["p50_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "ok": figures["ok"],
        "not_found": figures["not_found"],
    }
