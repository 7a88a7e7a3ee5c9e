"""Kefu refuses to start with its built-in secrets on PostgreSQL or with a real Twilio account (issue 9,
item 8); the embedded default (SQLite, simulated telephony) starts with nothing set."""

import pytest
from flask import Config as FlaskConfig

from crm import create_app
from crm.config import Config, InsecureConfig, refuse_insecure_defaults

POSTGRES = "postgresql+psycopg://kefu@db.example.com:5432/kefu"
SECRETS = ("SECRET_KEY", "TWILIO_AUTH_TOKEN", "DATABASE_URL", "TWILIO_ACCOUNT_SID")


@pytest.fixture(autouse=True)
def nothing_set(monkeypatch):
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("settings", "missing", "where"),
    [
        ({"SQLALCHEMY_DATABASE_URI": POSTGRES}, "SECRET_KEY", "PostgreSQL"),
        ({"SQLALCHEMY_DATABASE_URI": POSTGRES, "SECRET_KEY": "s" * 64}, "TWILIO_AUTH_TOKEN", "PostgreSQL"),
        ({"TWILIO_ACCOUNT_SID": "AC" + "1" * 32}, "SECRET_KEY", "a real Twilio account"),
        ({"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "SECRET_KEY": "s" * 64}, "TWILIO_AUTH_TOKEN", "a real Twilio account"),
    ],
)
def test_kefu_refuses_to_start_with_a_built_in_secret(settings, missing, where):
    with pytest.raises(InsecureConfig) as refused:
        create_app(Config(**settings))
    assert f"on {where} with the built-in {missing}: set {missing}" in str(refused.value)


def test_postgresql_with_both_secrets_set_is_accepted():
    config = _flask_config(Config(SQLALCHEMY_DATABASE_URI=POSTGRES, SECRET_KEY="s" * 64, TWILIO_AUTH_TOKEN="t" * 32))
    assert refuse_insecure_defaults(config) is None


def test_the_embedded_default_needs_nothing_set():
    config = _flask_config(Config())
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    assert refuse_insecure_defaults(config) is None


def _flask_config(config):
    """The settings as the app sees them (without building a second app over the test one's extensions)."""
    flask_config = FlaskConfig(".")
    flask_config.from_object(config)
    return flask_config
