from crm.core.pacing import Pacer


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_the_first_action_goes_at_once_and_the_next_wait_for_their_slot():
    time = FakeTime()
    pacer = Pacer(4, time.monotonic, time.sleep)

    pacer.wait()
    pacer.wait()
    time.now += 0.1  # the action itself took a while: only the rest of the slot is waited
    pacer.wait()

    assert time.slept == [0.25, 0.15]


def test_an_action_after_a_long_pause_goes_at_once():
    time = FakeTime()
    pacer = Pacer(2, time.monotonic, time.sleep)

    pacer.wait()
    time.now += 5
    pacer.wait()

    assert time.slept == []
