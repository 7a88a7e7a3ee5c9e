"""A small world whose data is ASCII only, for the language tests: in English mode any Chinese character on a
page is then a label someone forgot to translate, never a name."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from sqlalchemy import String, cast, literal, update

from crm.models.quality import PHRASE_KINDS, QaPhrase

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# The language switch names each language in itself (中文 / English): not a label to translate.
LANGUAGE_NAMES = ("中文",)


@dataclass
class World:
    branch: object
    agent: object
    supervisor: object
    admin: object
    customer: object


def ascii_world(make):
    _seeded_data_in_ascii(make.session)
    branch = make.branch(name="Branch One", hotline="+862195500")
    agent = make.staff(role="agent", branch=branch, name="Li Lei")
    supervisor = make.staff(role="supervisor", branch=branch, name="Han Meimei")
    admin = make.staff(role="admin", name="Wang Wu")
    customer = make.customer(manager=agent, name="Zhang San", phones=("13800138000",))
    make.visit(agent, customer, summary="Follow-up call")
    return World(branch, agent, supervisor, admin, customer)


def _seeded_data_in_ascii(session):
    """The reference data a fresh installation has in Chinese (QA phrases, shown on the desk; the built-in
    defaults stand in while none is stored) is data too: ASCII here, so only labels can be left in Chinese."""
    session.execute(update(QaPhrase).values(text=literal("QA phrase ") + cast(QaPhrase.id, String)))
    session.add_all(QaPhrase(kind=kind, text=f"ASCII {kind}", match_mode="contains") for kind in PHRASE_KINDS)
    session.commit()


class _VisibleText(HTMLParser):
    """The text of an HTML page as a reader meets it: no tags, no ``<script>``/``<style>`` bodies (data blocks
    included), no ``<option>`` of the language switch."""

    SKIPPED = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping, self.in_language_select = [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        if tag == "select" and dict(attrs).get("name") == "language":
            self.in_language_select = True
        for name, value in attrs:  # what a screen reader or a tooltip says is a label too
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1
        if tag == "select":
            self.in_language_select = False

    def handle_data(self, data):
        if not self.skipping and not (self.in_language_select and data.strip() in LANGUAGE_NAMES):
            self.parts.append(data)


def visible_text(html):
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def chinese_in(text):
    """Every run of Chinese characters in ``text`` (empty when there is none), for a readable failure."""
    return sorted(set(re.findall(CJK.pattern + "+", text)))
