"""Calls — DOMAIN §6: the inbound IVR's decisions, the call log, the complaint line, greetings and
scripted phrases, agents' presence and browser-placed calls.

May import ``org``, ``customers`` and ``cases`` (the IVR opens cases); never ``surveys``.
"""
