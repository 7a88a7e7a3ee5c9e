"""Matching the QA phrases against what an agent said (DOMAIN §6) — pure functions, no database.

Speech-to-text writes what it hears its own way: with or without punctuation, spaces between words,
full-width letters and digits, digits as Chinese numerals. So text and phrase are both reduced to
their *words*: NFKC (full-width → half-width), case-folded, spaces and symbols dropped; punctuation
is dropped too but remembered as a clause boundary, as are the utterance's start and end.

Two match modes (``QaPhrase.match_mode``):
- ``contains``: the phrase's words appear anywhere (longer phrases, greetings, closings, read-back cues);
- ``clause``: the phrase's words must make up a clause or utterance of their own, give or take
  ``CLAUSE_SLACK`` characters (我, 啊, 吧 …). A short forbidden phrase — 「不知道。」 — said as an
  answer is a hit; the same words inside a longer, polite sentence
  (「这个我不知道的话会帮您查清楚再回复您」) are not. When speech-to-text leaves the punctuation
  out, the utterance's own edges are the boundaries.
``default_mode``: ``clause`` for phrases of at most ``SHORT_PHRASE`` characters, else ``contains``.
A rule with no active phrase (all deactivated) is not checked, rather than failing every call.
"""

import re
import unicodedata
from dataclasses import dataclass

CLAUSE_SLACK = 2
SHORT_PHRASE = 4
# Agent utterances that must hold the greeting with the job number, and the closing phrase.
GREETING_WINDOW = 3
CLOSING_WINDOW = 3
# Chinese numerals as speech-to-text writes a job number read digit by digit (幺 is "one" on the phone).
_NUMERALS = str.maketrans("零〇一幺二三四五六七八九", "001123456789")
# A job number is read as at least this many digits; shorter runs are ordinary words (一下, 三个).
_JOB_NO = re.compile(r"\d{3,}")


@dataclass(frozen=True)
class Line:
    """A piece of the agent's speech (or notes): its sequence and offset in the call when spoken."""

    text: str
    sequence: int | None = None
    offset_seconds: int | None = None


@dataclass(frozen=True)
class Finding:
    """A QA flag to raise: the rule, the phrase concerned (if any), the words matched and where."""

    rule: str
    phrase: object = None
    matched: str | None = None
    line: Line | None = None


def words_of(text):
    """``(words, boundaries)``: the text reduced to its words, and the clause boundaries within them."""
    kept, boundaries = [], {0}
    for char in unicodedata.normalize("NFKC", text or "").casefold():
        category = unicodedata.category(char)
        if category.startswith("P"):
            boundaries.add(len(kept))
        elif not (category[0] in "SZC" or char.isspace()):
            kept.append(char)
    words = "".join(kept)
    boundaries.add(len(words))
    return words, sorted(boundaries)


def default_mode(phrase):
    return "clause" if len(words_of(phrase)[0]) <= SHORT_PHRASE else "contains"


def find(phrase, mode, text):
    """The clause of ``text`` in which ``phrase`` matches under ``mode`` (its words), or None."""
    key = words_of(phrase)[0]
    words, boundaries = words_of(text)
    if not key:
        return None
    start = words.find(key)
    while start != -1:
        end = start + len(key)
        low = max(b for b in boundaries if b <= start)
        high = min(b for b in boundaries if b >= end)
        if mode == "contains" or (high - low) - len(key) <= CLAUSE_SLACK:
            return words[low:high]
        start = words.find(key, start + 1)
    return None


def first_match(phrases, lines):
    """``(phrase, line, matched)`` for the first line where one of ``phrases`` matches, else None."""
    for line in lines:
        for phrase in phrases:
            matched = find(phrase.text, phrase.match_mode, line.text)
            if matched is not None:
                return phrase, line, matched
    return None


def numbers_said(text):
    """The numbers of three digits or more in ``text``, full-width and Chinese numerals included."""
    return _JOB_NO.findall(words_of(text)[0].translate(_NUMERALS))


def greeting_findings(phrases, lines, job_no):
    """The opening: a greeting phrase and the agent's own job number within the first agent utterances."""
    if not phrases:
        return []
    opening = lines[:GREETING_WINDOW]
    hit = first_match(phrases, opening)
    if hit is None:
        return [Finding("greeting_missing", line=opening[0] if opening else None)]
    phrase, line, matched = hit
    said = [number for each in opening for number in numbers_said(each.text)]
    if job_no in said:
        return []
    if said:
        return [Finding("greeting_wrong_job_no", phrase, "、".join(said), line)]
    return [Finding("greeting_without_job_no", phrase, matched, line)]


def closing_findings(phrases, lines):
    """The closing phrase within the last agent utterances."""
    if not phrases:
        return []
    closing = lines[-CLOSING_WINDOW:]
    if first_match(phrases, closing) is None:
        return [Finding("closing_missing", line=closing[-1] if closing else None)]
    return []


def readback_findings(phrases, lines):
    """The read-back (跟读确认) anywhere in the agent's speech: owed when the call opened a case."""
    return [] if not phrases or first_match(phrases, lines) else [Finding("readback_missing")]


def forbidden_findings(phrases, lines):
    """Every forbidden phrase, every time it is said."""
    return [
        Finding("forbidden_phrase", phrase, matched, line)
        for line in lines
        for phrase in phrases
        if (matched := find(phrase.text, phrase.match_mode, line.text)) is not None
    ]


def transcript_findings(phrases_by_kind, lines, job_no, opened_case):
    """Every check a transcript supports, on the agent's ``lines`` in order."""
    findings = greeting_findings(phrases_by_kind.get("greeting", ()), lines, job_no)
    findings += closing_findings(phrases_by_kind.get("closing", ()), lines)
    if opened_case:
        findings += readback_findings(phrases_by_kind.get("readback", ()), lines)
    return findings + forbidden_findings(phrases_by_kind.get("forbidden", ()), lines)


def notes_findings(phrases_by_kind, lines):
    """What notes can show: forbidden phrases written down (greetings and closings are only heard)."""
    return forbidden_findings(phrases_by_kind.get("forbidden", ()), lines)
