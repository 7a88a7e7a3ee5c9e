"""The risk-tolerance questionnaire (客户投资风险承受力评估调查表) — DOMAIN §3.

The questions, their options and scores are data: ``QUESTIONS``. Answers arrive as
``{"q1": "A", …, "q9": ["A", "C"], …}``; a single-choice answer may also be a one-letter
list. Q9 is multi-select and scores its highest selected option, so the total runs 14–60.
"""

from dataclasses import dataclass

from sqlalchemy import select

from crm.core import clock
from crm.errors import Conflict, InvalidInput, NotFound
from crm.models import RiskAssessment
from crm.services.customers import documents
from crm.services.org import audit


@dataclass(frozen=True)
class Option:
    letter: str
    zh: str
    en: str
    score: int


@dataclass(frozen=True)
class Question:
    number: int
    zh: str
    en: str
    options: tuple[Option, ...]
    multi: bool = False

    @property
    def key(self):
        return f"q{self.number}"

    def score_of(self, letter):
        return next(option.score for option in self.options if option.letter == letter)


def _options(*rows):
    """``("储蓄", "savings", 1), …`` → options lettered A, B, C … in order."""
    return tuple(Option(chr(ord("A") + i), zh, en, score) for i, (zh, en, score) in enumerate(rows))


QUESTIONS = (
    Question(
        1,
        "如果您有一笔闲置资金，您的首选是",
        "Your first choice for spare money",
        _options(
            ("储蓄", "savings", 1),
            ("债券", "bonds", 2),
            ("基金", "funds", 3),
            ("股票", "stocks", 4),
            ("期货", "futures", 5),
        ),
    ),
    Question(
        2,
        "证券投资占家庭金融资产的比例",
        "Securities as a share of household financial assets",
        _options(
            ("小于1/3", "less than 1/3", 1),
            ("1/3至2/3", "1/3 to 2/3", 2),
            ("2/3", "about 2/3", 3),
            ("大于2/3", "more than 2/3", 5),
        ),
    ),
    Question(
        3,
        "您曾持有的风险最高的产品",
        "The riskiest product you have ever held",
        _options(
            ("没有", "none", 0),
            ("保险、存款、债券", "insurance, deposits, bonds", 1),
            ("委托理财（股票类）", "delegated equity management", 2),
            ("股票或股票型基金", "stocks or equity funds", 3),
            ("期货、权证等衍生品", "futures, warrants, derivatives", 5),
        ),
    ),
    Question(
        4,
        "做出一项重要投资决定需要的时间",
        "Time you need for an important investment decision",
        _options(("几个月", "months", 2), ("几天", "days", 3), ("几小时", "hours", 4), ("几分钟", "minutes", 5)),
    ),
    Question(
        5,
        "以下三种结果您选择哪一种",
        "Which outcome would you pick",
        _options(
            ("确定收益5%", "a sure +5%", 1),
            ("-30%至+70%", "between −30% and +70%", 3),
            ("-100%至+300%", "between −100% and +300%", 5),
        ),
    ),
    Question(
        6,
        "听到一个内幕消息，您会",
        "On hearing an insider tip you would",
        _options(
            ("不予理会", "ignore it", 2),
            ("先看看走势", "check the chart first", 3),
            ("少量买入", "buy a little", 4),
            ("借钱买入", "borrow and buy", 5),
        ),
    ),
    Question(
        7,
        "买入后上涨20%，您会",
        "Up 20% after you bought; you would",
        _options(("全部卖出", "sell all", 1), ("卖出一部分", "sell part", 3), ("继续持有", "hold", 5)),
    ),
    Question(
        8,
        "买入后下跌20%，您会",
        "Down 20% after you bought; you would",
        _options(("全部卖出", "sell all", 1), ("等待观望", "wait", 3), ("继续买入", "buy more", 5)),
    ),
    Question(
        9,
        "您希望了解哪些产品信息（可多选）",
        "Product information you want (several allowed)",
        _options(
            ("债券、货币基金", "bonds, money-market funds", 1),
            ("债券型基金", "bond funds", 2),
            ("开放式基金", "open-end funds", 3),
            ("股票", "stocks", 4),
            ("股指期货、权证", "index futures, warrants", 5),
        ),
        multi=True,
    ),
    Question(
        10,
        "您投资基金的目的",
        "Why you invest in funds",
        _options(
            ("养老", "pension", 2),
            ("委托专家理财", "let experts manage it", 3),
            ("广告宣传的高收益", "the advertised high yield", 4),
            ("快速获利", "fast gains", 5),
        ),
    ),
    Question(
        11,
        "您认为基金会亏损吗",
        "Can funds lose money",
        _options(("不会", "no", 1), ("几乎不会", "barely", 3), ("会", "yes", 5)),
    ),
    Question(
        12,
        "基金净值下跌时，您会",
        "When a fund's NAV falls you would",
        _options(
            ("赎回", "redeem", 1),
            ("赎回后转投股票", "redeem into stocks", 2),
            ("继续持有", "hold", 3),
            ("长期持有", "hold for the long term", 4),
            ("追加买入", "buy more", 5),
        ),
    ),
)
QUESTIONS_BY_KEY = {q.key: q for q in QUESTIONS}

# Upper score of each band, lowest first (DOMAIN §3).
BAND_CEILINGS = ((18, "very_low"), (35, "low"), (45, "medium"), (60, "high"))


def band_for(score):
    return next(band for ceiling, band in BAND_CEILINGS if score <= ceiling)


def score_answers(answers):
    """``(score, band)`` for a complete set of answers; ``InvalidInput`` naming each bad question."""
    chosen = normalise_answers(answers)
    score = sum(max(QUESTIONS_BY_KEY[key].score_of(letter) for letter in letters) for key, letters in chosen.items())
    return score, band_for(score)


def normalise_answers(answers):
    """``{"q1": ["A"], …}`` with every question present and every letter known, or ``InvalidInput``."""
    if not isinstance(answers, dict):
        raise InvalidInput(
            "Answers must map each question (q1…q12) to its option letters.", {"answers": ["Not a mapping."]}
        )
    errors = {key: ["Unknown question."] for key in answers if key not in QUESTIONS_BY_KEY}
    chosen = {}
    for question in QUESTIONS:
        letters, problem = _letters(question, answers.get(question.key))
        if problem:
            errors[question.key] = [problem]
        else:
            chosen[question.key] = letters
    if errors:
        raise InvalidInput("Some answers are invalid: " + ", ".join(sorted(errors, key=_question_order)), errors)
    return chosen


def _letters(question, answer):
    """The selected letters of one answer and ``None``, or ``None`` and what is wrong with it."""
    if answer is None:
        return None, "Missing answer."
    letters = [answer] if isinstance(answer, str) else answer
    if not isinstance(letters, list) or not all(isinstance(letter, str) for letter in letters):
        return None, "Give an option letter, or a list of letters."
    letters = sorted({letter.strip().upper() for letter in letters})
    if not letters:
        return None, "Choose an option."
    known = [option.letter for option in question.options]
    unknown = [letter for letter in letters if letter not in known]
    if unknown:
        return None, f"Unknown option {', '.join(unknown)}; choose from {', '.join(known)}."
    if len(letters) > 1 and not question.multi:
        return None, "Choose only one option."
    return letters, None


def _question_order(key):
    return QUESTIONS_BY_KEY[key].number if key in QUESTIONS_BY_KEY else len(QUESTIONS) + 1


def submit_assessment(session, actor, customer, answers):
    """Score and keep one questionnaire, pending until the customer confirms it (``confirm_assessment``)."""
    chosen = normalise_answers(answers)
    score, band = score_answers(chosen)
    assessment = RiskAssessment(
        customer_id=customer.id,
        answers=chosen,
        score=score,
        band=band,
        taken_by_id=actor.id if actor else None,
        taken_at=clock.now(),
    )
    session.add(assessment)
    session.flush()
    return assessment


def confirm_assessment(session, actor, customer, assessment, *, document=None, call_sid=None):
    """Record the customer's confirmation of ``assessment``: their signed form (a ``signed_questionnaire``
    document of their dossier) or the recorded call they confirmed on. Its band becomes their risk
    tolerance (audited) unless a newer assessment is already confirmed, which is refused.
    """
    if assessment.confirmed_at is not None:
        raise Conflict("This assessment is confirmed already.")
    if (document is None) == (call_sid is None):
        raise InvalidInput(
            "Confirm with the signed form (document_id) or the recorded call (call_sid), one of them.",
            {"document_id": ["Give this or call_sid."], "call_sid": ["Give this or document_id."]},
        )
    if document is not None and (document.customer_id != customer.id or document.kind != "signed_questionnaire"):
        raise InvalidInput(
            "The document must be a signed questionnaire on this customer's dossier.",
            {"document_id": ["Not a signed questionnaire of this customer."]},
        )
    if call_sid is not None:
        documents.call_of_customer(session, customer, call_sid)
    if _newer_confirmed(session, assessment):
        raise Conflict("A newer assessment of this customer is confirmed already; take the questionnaire again.")
    assessment.confirmed_at = clock.now()
    assessment.confirmed_by_id = actor.id
    assessment.confirmation_document_id = document.id if document else None
    assessment.confirmation_call_sid = call_sid
    if customer.risk_tolerance != assessment.band:
        evidence = f"risk assessment #{assessment.id}: score {assessment.score}, " + (
            f"signed form document #{document.id}" if document else f"confirmed on call {call_sid}"
        )
        audit.record(session, customer, actor, "risk_tolerance", customer.risk_tolerance, assessment.band, evidence)
        customer.risk_tolerance = assessment.band
    return assessment


def _newer_confirmed(session, assessment):
    stmt = select(RiskAssessment.id).where(
        RiskAssessment.customer_id == assessment.customer_id,
        RiskAssessment.confirmed_at.is_not(None),
        RiskAssessment.taken_at > assessment.taken_at,
    )
    return session.scalar(stmt.limit(1)) is not None


def assessment_of(session, customer, assessment_id):
    assessment = session.get(RiskAssessment, assessment_id)
    if assessment is None or assessment.customer_id != customer.id:
        raise NotFound(f"No assessment {assessment_id} of this customer.")
    return assessment


def assessments_of(session, customer):
    """Every assessment of ``customer``, newest first."""
    stmt = (
        select(RiskAssessment)
        .where(RiskAssessment.customer_id == customer.id)
        .order_by(RiskAssessment.taken_at.desc(), RiskAssessment.id.desc())
    )
    return session.scalars(stmt).all()
