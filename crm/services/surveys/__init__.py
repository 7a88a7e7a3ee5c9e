"""Surveys — DOMAIN §7: callback surveys owed for resolved cases and visit spot checks, their
answers, and the dialer that rings the due runs.

May import every area before it (``org``, ``customers``, ``cases``, ``calls``); nothing imports it
but the edges and ``demo``.
"""
