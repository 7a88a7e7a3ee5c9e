"""Walking the IVR as Twilio would: post signed webhooks, read the TwiML, follow its URLs."""

import xml.etree.ElementTree as ET

from sqlalchemy import select

from crm.models import Call

CALLER = "+8613900139000"


class Caller:
    """One inbound call: ``dial()`` the number, then ``follow(tag, **params)`` the last answer's URLs."""

    def __init__(self, signed_post, to, sid="CA0001", from_=CALLER):
        self.signed_post, self.to, self.sid, self.from_ = signed_post, to, sid, from_
        self.last = None

    def post(self, path, **params):
        response = self.signed_post(path, {"CallSid": self.sid, "From": self.from_, "To": self.to, **params})
        assert response.status_code == 200, response.data
        self.last = ET.fromstring(response.get_data(as_text=True))
        return self.last

    def dial(self):
        return self.post("/twilio/voice/incoming")

    def follow(self, tag, **params):
        """Post to the ``action`` of the last answer's ``<tag>`` (Gather, Dial, Record) or a Redirect's URL."""
        node = self.last.find(f".//{tag}")
        assert node is not None, f"no <{tag}> in {self.text()}"
        url = node.text if tag == "Redirect" else node.get("action")
        return self.post(url, **params)

    def text(self):
        return ET.tostring(self.last, encoding="unicode")

    def heard(self):
        """Everything said, in order (Say texts and Play URLs)."""
        return [node.text for node in self.last.iter() if node.tag in ("Say", "Play")]

    def call(self, session):
        session.expire_all()
        return session.scalar(select(Call).where(Call.sid == self.sid))
