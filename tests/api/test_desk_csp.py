"""The desk's Content-Security-Policy lets the Twilio Voice SDK reach Twilio only when Twilio is configured."""

from tests.api.test_desk_events import sign_in


def policy_of(response):
    return dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))


def test_with_twilio_the_desk_may_reach_twilios_signalling_events_and_sounds(app, client, agent, monkeypatch):
    sign_in(client, agent)
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", "AC" + "0" * 32)

    desk = policy_of(client.get("/desk"))
    assert "wss://voice-js.roaming.twilio.com" in desk["connect-src"]
    assert "https://eventgw.twilio.com" in desk["connect-src"]
    assert desk["media-src"] == "'self' https://sdk.twilio.com"
    assert desk["script-src"] == "'self'" and desk["frame-ancestors"] == "'none'"
    assert "connect-src" not in policy_of(client.get("/customers"))  # other pages stay self-only


def test_without_twilio_the_desk_is_self_only(client, agent):
    sign_in(client, agent)
    desk = policy_of(client.get("/desk"))
    assert "connect-src" not in desk and "media-src" not in desk
    assert desk["default-src"] == "'self'"


def test_the_desk_loads_the_voice_sdk_only_with_twilio_and_keeps_the_call_helpers_regions(
    app, client, agent, monkeypatch
):
    sign_in(client, agent)
    simulated = client.get("/desk").get_data(as_text=True)
    assert 'data-mode="simulated"' in simulated and "twilio.min.js" not in simulated
    regions = [simulated.index(f'<section id="{name}"') for name in ("softphone", "greeting", "call-card", "wrap-up")]
    assert regions == sorted(regions)
    assert "softphone.js" in simulated and "desk_call.js" in simulated
    assert "style=" not in simulated and "<style" not in simulated

    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    twilio = client.get("/desk").get_data(as_text=True)
    assert 'data-mode="twilio"' in twilio and "vendor/@twilio/voice-sdk/dist/twilio.min.js" in twilio
