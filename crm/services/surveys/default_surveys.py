"""The callback surveys a fresh installation gets — DOMAIN §7 — as seed data.

A survey is rows (``Survey`` with its ``SurveyQuestion``s); these are the defaults that
``ensure_default_surveys`` adds when their code is missing. Keys map a keypad digit to what it
means; ``reopen_on`` lists the digits that reopen and escalate the case (for a visit check:
that flag the visit to the manager's supervisor); a score flags at or below
``reopen_at_or_below``. Texts may use ``{branch}`` and ``{hotline}``; the visit check also
``{manager}`` and ``{date}`` (the visit's local date).
"""

from sqlalchemy import select

from crm.models import Survey, SurveyQuestion

CASE_SURVEY = "callback"
VISIT_SURVEY = "visit_check"

SATISFACTION_KEYS = {"1": "satisfied", "2": "average", "3": "dissatisfied"}
YES_NO_KEYS = {"1": "yes", "2": "no"}
CLOSING = "感谢您的合作，以后有什么问题，请您随时拨打{hotline}，我们将及时为您服务。"

DEFAULT_SURVEYS = (
    {
        "code": CASE_SURVEY,
        "name": "来电处理回访",
        "opening": "您好，我们是{branch}客服中心，对您的来电处理情况进行回访。您现在方便吗？方便请按1，不方便请按2。",
        "closing": CLOSING,
        "questions": (
            {
                "code": "solved",
                "kind": "yes_no",
                "prompt": "您的问题是否已经解决？已解决请按1，未解决请按2。",
                "keys": YES_NO_KEYS,
                "reopen_on": ["2"],
            },
            {
                "code": "attitude",
                "kind": "choice",
                "prompt": "您对处理人员的服务态度是否满意？满意请按1，一般请按2，不满意请按3。",
                "keys": SATISFACTION_KEYS,
                "reopen_on": ["3"],
            },
            {
                "code": "charged",
                "kind": "yes_no",
                "prompt": "处理过程中是否向您收取了费用？是请按1，否请按2。",
                "keys": YES_NO_KEYS,
            },
            {
                "code": "score",
                "kind": "score",
                "prompt": "请您为本次服务打分，1到10分，输入分数后请按井号键。",
                "reopen_at_or_below": 6,
            },
            {
                "code": "suggestions",
                "kind": "voice",
                "prompt": "如您有意见或建议，请在提示音后留言，按井号键结束；没有请直接挂机。",
                "optional": True,
            },
        ),
    },
    {
        "code": VISIT_SURVEY,
        "name": "拜访抽查回访",
        "opening": "您好，我们是{branch}客服中心，对客户经理的服务进行回访。您现在方便吗？方便请按1，不方便请按2。",
        "closing": CLOSING,
        "questions": (
            {
                "code": "visited",
                "kind": "yes_no",
                "prompt": "客户经理{manager}是否在{date}拜访或致电过您？是请按1，否请按2。",
                "keys": YES_NO_KEYS,
                "reopen_on": ["2"],
            },
            {
                "code": "satisfied",
                "kind": "choice",
                "prompt": "您对客户经理的服务是否满意？满意请按1，一般请按2，不满意请按3。",
                "keys": SATISFACTION_KEYS,
                "reopen_on": ["3"],
            },
        ),
    },
)


def ensure_default_surveys(session):
    """Add the default surveys whose code is missing (an admin's edits to existing ones stay); returns how many."""
    existing = set(session.scalars(select(Survey.code)))
    added = 0
    for definition in DEFAULT_SURVEYS:
        if definition["code"] in existing:
            continue
        fields = {key: value for key, value in definition.items() if key != "questions"}
        questions = [
            SurveyQuestion(position=position, **question)
            for position, question in enumerate(definition["questions"], start=1)
        ]
        session.add(Survey(**fields, questions=questions))
        added += 1
    session.flush()
    return added
