"""Callback survey results for the supervision pages: what customers answered about their cases, and
per case owner (the agent who answered for the case) how many answered, how many were satisfied and
the mean score.

Only the runs of cases the viewer may see (``access.visible`` on cases), and only runs with answers.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from crm.models import Case, SurveyAnswer, SurveyRun
from crm.services.org import access
from crm.services.surveys.runs import is_flagged

SHOWN = 100
ATTITUDE, SCORE, SATISFIED = "attitude", "score", "satisfied"


@dataclass
class Answer:
    code: str
    kind: str
    value: str | None
    meaning: str | None  # the keypad digit's meaning ("yes", "satisfied"…); None for scores and voice
    flagged: bool


@dataclass
class Result:
    run: SurveyRun
    case: Case
    answers: list


@dataclass
class AgentSummary:
    owner: object
    answered: int = 0
    satisfied: int = 0
    attitude_answers: int = 0
    scores: list = field(default_factory=list)

    @property
    def mean_score(self):
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None


def case_results(session, viewer, branch_id=None, limit=SHOWN):
    """The newest answered callback surveys of cases ``viewer`` may see (of ``branch_id`` when given)."""
    cases = access.visible(select(Case), viewer)
    if branch_id is not None:
        cases = cases.where(Case.branch_id == branch_id)
    case_ids = cases.with_only_columns(Case.id).subquery()
    answered = select(SurveyAnswer.id).where(SurveyAnswer.run_id == SurveyRun.id).exists()
    stmt = (
        select(SurveyRun, Case)
        .join(Case, Case.id == SurveyRun.case_id)
        .where(SurveyRun.case_id.in_(select(case_ids.c.id)), answered)
        .order_by(SurveyRun.completed_at.desc().nulls_last(), SurveyRun.id.desc())
        .limit(limit)
    )
    return [Result(run, case, _answers(run)) for run, case in session.execute(stmt).unique()]


def by_owner(results):
    """``AgentSummary`` per case owner, in the order they first appear."""
    summaries = {}
    for result in results:
        summary = summaries.setdefault(result.case.owner_id, AgentSummary(result.case.owner))
        summary.answered += 1
        for answer in result.answers:
            if answer.code == ATTITUDE and answer.meaning:
                summary.attitude_answers += 1
                summary.satisfied += answer.meaning == SATISFIED
            elif answer.code == SCORE and answer.value and answer.value.isdigit():
                summary.scores.append(int(answer.value))
    return list(summaries.values())


def _answers(run):
    questions = {question.id: question for question in run.survey.questions}
    shown = []
    for answer in run.answers:
        question = questions.get(answer.question_id)
        if question is None:
            continue
        meaning = (question.keys or {}).get(answer.value) if answer.value else None
        flagged = bool(answer.value) and is_flagged(question, answer.value)
        shown.append(Answer(question.code, question.kind, answer.value, meaning, flagged))
    return shown
