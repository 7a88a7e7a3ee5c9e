"""Twilio Voice access tokens for the browser softphone (issue 5 §6).

The token lets the browser receive calls for ``agent-<job number>`` and place calls through the
TwiML app (whose voice URL is ``/twilio/voice/outbound``). It is signed with an API key and
secret; simulated mode signs with the local defaults, so the flow is the same everywhere.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from crm.core import clock
from telephony.client import account_sid


@dataclass(frozen=True)
class VoiceToken:
    token: str
    identity: str
    expires_at: datetime


def voice_token(app, staff, at=None):
    """A Voice access token for ``staff``'s softphone, valid from ``at`` for SOFTPHONE_TOKEN_TTL seconds."""
    config = app.config
    at = at or clock.now()
    expires_at = at + timedelta(seconds=config["SOFTPHONE_TOKEN_TTL"])
    token = AccessToken(
        account_sid(app),
        config["TWILIO_API_KEY"],
        config["TWILIO_API_SECRET"],
        identity=staff.softphone_identity,
        nbf=int(at.timestamp()),
        valid_until=int(expires_at.timestamp()),
    )
    token.add_grant(VoiceGrant(incoming_allow=True, outgoing_application_sid=config["TWILIO_TWIML_APP_SID"]))
    return VoiceToken(token.to_jwt(), staff.softphone_identity, expires_at)
