"""Security headers and the request-size limit (issue 9, item 10)."""

import re
from io import BytesIO

import pytest

from crm.models import Script
from tests.api.identity import as_


@pytest.mark.parametrize("path", ["/login", "/api/v1/staff/me", "/api/openapi.json", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy


def test_the_console_has_no_inline_script_or_style_the_policy_would_block(client, agent):
    page = client.get("/login").get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert "style=" not in page and "<style" not in page


def test_swagger_ui_may_run_its_inline_start_up_script_and_load_its_assets(app, client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "'unsafe-inline'" in script_src
    assert "https://cdn.jsdelivr.net" in script_src or not app.config["OPENAPI_SWAGGER_UI_URL"].startswith("http")
    assert "frame-ancestors 'none'" in policy


def test_a_body_over_the_limit_is_413_with_the_json_error(app, client, admin):
    too_big = {"name": "x" * app.config["MAX_CONTENT_LENGTH"]}
    response = client.patch(f"/api/v1/staff/{admin.id}", json=too_big, headers=as_(admin))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert client.get("/api/v1/staff/me", headers=as_(admin)).get_json()["name"] == admin.name


def test_a_greeting_recording_may_be_larger_than_a_json_body(app, client, db, admin, scripts, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "INSTANCE_DIR", str(tmp_path))
    script_id = db.session.query(Script.id).first()[0]
    recording = b"RIFF" + b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        f"/api/v1/scripts/{script_id}/audio",
        data={"file": (BytesIO(recording), "greeting.wav")},
        headers=as_(admin),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
