"""Cases — DOMAIN §5: first-responder ownership and the case workflow, deadlines counted in working
days (``calendar/``), the deadline policies, the escalation ladder and the notices it sends.

May import ``org`` and ``customers``; never ``calls`` or ``surveys``, which build on cases.
"""
