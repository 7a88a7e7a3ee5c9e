"""Background work: every RQ job, the periodic schedule and the worker processes.

Jobs are thin (open a session, call one service, commit) and are enqueued by function reference.
The database is the source of truth; queues only execute, so losing queued jobs loses nothing the
next run won't redo. An edge: may import services, ``crm.extensions`` and ``telephony`` (its REST
client and webhook URLs); nothing but the app factory, the CLI and the API (to enqueue) imports it.
"""
