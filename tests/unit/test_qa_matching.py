"""QA matching (DOMAIN §6): tolerant of how speech-to-text writes, strict about what was actually said."""

from dataclasses import dataclass

import pytest

from crm.services.quality.qa_matching import Line, default_mode, find, notes_findings, transcript_findings
from crm.services.quality.qa_phrases import DEFAULTS


@dataclass(frozen=True)
class Phrase:
    text: str
    match_mode: str
    id: int | None = None


PHRASES = {
    kind: [Phrase(text, "contains" if kind != "forbidden" else default_mode(text)) for text in texts]
    for kind, texts in DEFAULTS.items()
}
GREETING = "您好，测试营业部（工号8001）为您服务，请问您有什么问题？"
CLOSING = "感谢您的来电，再见！"


def lines(*texts):
    return [Line(text, sequence=n, offset_seconds=4 * n) for n, text in enumerate(texts, start=1)]


def rules(findings):
    return [finding.rule for finding in findings]


@pytest.mark.parametrize(
    "said",
    [
        "不知道。",  # as written in the rules
        "不知道",  # speech-to-text without punctuation
        "不 知 道",  # with spaces between the words
        "不知道！",  # full-width punctuation
        "嗯，不知道!",  # a clause of its own after another, half-width mark
        "我也不知道。您自己看吧",  # a short clause: two characters more are still the phrase said
    ],
)
def test_a_short_forbidden_phrase_is_found_however_it_is_written(said):
    assert find("不知道。", "clause", said) is not None


@pytest.mark.parametrize("said", ["这个我不知道的话会帮您查清楚再回复您", "这个我不知道的话，会帮您查清楚再回复您。"])
def test_no_hit_on_a_short_phrase_inside_a_longer_polite_sentence(said):
    assert find("不知道。", "clause", said) is None


def test_a_longer_phrase_matches_inside_a_sentence_whatever_its_punctuation_and_width():
    assert default_mode("你有完没完？") == "contains" and default_mode("不知道。") == "clause"
    assert find("喂！讲话，你是谁？", "contains", "喂 讲话你是谁啊") == "喂讲话你是谁啊"
    assert find("感谢您的来电", "contains", "ＯＫ，感谢您的来电．再见") == "感谢您的来电"


def test_the_greeting_with_the_agents_own_job_number_passes():
    assert transcript_findings(PHRASES, lines(GREETING, CLOSING), "8001", opened_case=False) == []


@pytest.mark.parametrize("number", ["８００１", "八零零一", "8 0 0 1"])
def test_the_job_number_is_heard_in_full_width_digits_chinese_numerals_or_spaced(number):
    said = lines(f"您好，工号{number}为您服务", CLOSING)
    assert transcript_findings(PHRASES, said, "8001", opened_case=False) == []


def test_a_greeting_without_the_job_number_is_flagged_with_the_words_and_time():
    [finding] = transcript_findings(PHRASES, lines("您好，请问有什么可以帮您？", CLOSING), "8001", False)
    assert finding.rule == "greeting_without_job_no"
    assert (finding.phrase.text, finding.line.offset_seconds) == ("您好", 4)


def test_someone_elses_job_number_is_flagged_as_a_wrong_number():
    [finding] = transcript_findings(PHRASES, lines("您好，工号8002为您服务", CLOSING), "8001", False)
    assert (finding.rule, finding.matched) == ("greeting_wrong_job_no", "8002")


def test_a_greeting_said_too_late_and_a_missing_closing_are_flagged():
    said = lines("请讲", "嗯", "好的", GREETING, "稍等")
    assert rules(transcript_findings(PHRASES, said, "8001", False)) == ["greeting_missing", "closing_missing"]


def test_the_read_back_is_owed_only_when_the_call_opened_a_case():
    said = lines(GREETING, "您的问题已记录", CLOSING)
    assert rules(transcript_findings(PHRASES, said, "8001", opened_case=False)) == []
    assert rules(transcript_findings(PHRASES, said, "8001", opened_case=True)) == ["readback_missing"]
    read_back = lines(GREETING, "跟您确认一下，您是要修改手机号码，对吗？", CLOSING)
    assert rules(transcript_findings(PHRASES, read_back, "8001", opened_case=True)) == []


def test_every_forbidden_phrase_said_is_a_flag_with_its_words_and_time():
    said = lines(GREETING, "不知道。", "你有完没完", "这个我不知道的话会帮您查清楚再回复您", "废话！", CLOSING)
    flags = [f for f in transcript_findings(PHRASES, said, "8001", False) if f.rule == "forbidden_phrase"]
    assert [(f.phrase.text, f.matched, f.line.offset_seconds) for f in flags] == [
        ("不知道。", "不知道", 8),
        ("你有完没完？", "你有完没完", 12),
        ("废话！", "废话", 20),
    ]


def test_notes_are_checked_for_forbidden_phrases_only():
    notes = [Line("客户来电询问转托管。答复：不知道。")]
    assert rules(notes_findings(PHRASES, notes)) == ["forbidden_phrase"]
    assert notes_findings(PHRASES, [Line("已为客户查询并回复")]) == []
