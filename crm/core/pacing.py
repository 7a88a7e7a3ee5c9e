"""Spacing actions in time: at most so many a second, as a telephony provider admits outbound calls.

Twilio admits an account's new calls at its calls-per-second limit (1 unless raised) and queues the rest; a dialer
that places a burst at once gets the burst's webhooks back at once. The pacer spreads the calls instead.
"""

import time


class Pacer:
    """``wait()`` before each action: it sleeps until the action's slot, ``1 / per_second`` after the last one."""

    def __init__(self, per_second, monotonic=time.monotonic, sleep=time.sleep):
        self.interval = 1 / per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = None

    def wait(self):
        at = self._monotonic()
        if self._next_slot is not None and at < self._next_slot:
            self._sleep(self._next_slot - at)
            at = self._next_slot
        self._next_slot = at + self.interval
