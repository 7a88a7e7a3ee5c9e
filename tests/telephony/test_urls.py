"""Absolute URLs given to Twilio: built from the routes, escaped, under PUBLIC_BASE_URL (localhost in a worker)."""

from telephony.urls import public_url


def test_a_worker_without_public_base_url_gives_twilio_localhost_urls(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    with app.app_context():
        assert public_url("twilio.survey_start", run_id=7) == "http://localhost/twilio/surveys/7/start"
        assert (
            public_url("twilio.complaint_page", case_id=3) == "http://localhost/twilio/voice/complaint/page?case_id=3"
        )


def test_urls_hang_under_public_base_url_with_its_path(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://kefu.example.com/crm/")
    with app.app_context():
        assert public_url("twilio.status") == "https://kefu.example.com/crm/twilio/calls/status"


def test_query_values_are_escaped(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://kefu.example.com")
    with app.app_context():
        url = public_url("twilio.record_greeting", script_id="1&x=2 3")
    assert url == "https://kefu.example.com/twilio/voice/record-greeting?script_id=1%26x%3D2+3"


def test_in_a_request_without_public_base_url_urls_use_the_host_it_came_in_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    with app.test_request_context("/api/v1/scripts", base_url="http://127.0.0.1:5000"):
        assert public_url("twilio.greeting_media", name="a.mp3") == "http://127.0.0.1:5000/twilio/media/greetings/a.mp3"
