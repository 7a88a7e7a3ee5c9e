"""A survey prompt that got no valid answer is asked again once, apologising for a wrong key (DOMAIN §7)."""

from crm.services.surveys.runs import TRIES, ask_again


def test_a_wrong_key_at_the_first_hearing_is_apologised_for_and_asked_again():
    assert ask_again(1, "7") == "wrong_key"


def test_silence_at_the_first_hearing_is_asked_again_without_apology():
    assert (ask_again(1, None), ask_again(1, "")) == ("silence", "silence")


def test_after_the_last_hearing_the_call_moves_on():
    assert (ask_again(TRIES, "7"), ask_again(TRIES, None)) == (None, None)
