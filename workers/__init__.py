"""Background work: RQ jobs, the periodic schedule and the worker processes.

Jobs are thin (open a session, call one service, commit). The database is the source of
truth; queues only execute, so losing queued jobs loses nothing the next run won't redo.
"""
