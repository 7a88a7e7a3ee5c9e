"""``GET /desk/events``: the signed-in person's live events as Server-Sent Events (no polling).

One stream per open desk, ended after ``LIVE_STREAM_SECONDS`` (the browser's EventSource reconnects)
so no server thread is held forever, with a comment line as heartbeat in between. Only the person's
own events (``crm.live``) are sent: ids and flags, never numbers or names.
"""

import json

from flask import Response, current_app

from crm import live
from crm.auth import current_staff
from crm.console.views import console


@console.get("/desk/events")
def desk_events():
    staff = current_staff()
    if staff is None:
        return Response("Sign in first.", status=401, mimetype="text/plain")
    config = current_app.config
    stream = live.listen(
        staff.id,
        seconds=config.get("LIVE_STREAM_SECONDS", live.STREAM_SECONDS),
        heartbeat=config.get("LIVE_HEARTBEAT_SECONDS", live.HEARTBEAT_SECONDS),
        app=current_app._get_current_object(),
    )
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(_sse(stream), mimetype="text/event-stream", headers=headers)


def _sse(stream):
    yield "retry: 2000\n\n"
    for item in stream:
        if item is None:
            yield ": keep-alive\n\n"
        else:
            kind, data = item
            yield f"event: {kind}\ndata: {json.dumps(data)}\n\n"
