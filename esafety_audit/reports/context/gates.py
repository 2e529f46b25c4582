"""Indicators of inadequate practice (found, not found, not checked), and the claims
made without the evidence their criterion names."""

from __future__ import annotations

from ...models import AnswerNote, LimitingIndicator, Result
from ..palette import anchor, status_words
from ..text import sentence_case
from .lookup import Lookup
from .views import AnswerView, Gates, LimitingView, SelfReportedView, UnansweredQuestion


def _answer_view(note: AnswerNote) -> AnswerView:
    return AnswerView(
        question=note.question,
        label=note.label,
        answer=note.answer if note.answer is not None else "Not answered",
        evidence=note.evidence,
        notes=note.notes,
    )


def _limiting(look: Lookup, item: LimitingIndicator) -> LimitingView:
    scored = look.results[item.id]
    questions = look.rubric.bank.questions()
    return LimitingView(
        title=sentence_case(item.title),
        framework=look.framework_title(item.framework),
        badge=status_words(scored.status, scored.kind),
        statement=item.statement,
        reasons=item.reasons,
        answers=[_answer_view(a) for a in scored.answers if a.answer is not None]
        or [_answer_view(a) for a in scored.answers],
        to_answer=[UnansweredQuestion(q, questions[q].label) for q in item.questions],
    )


def build_gates(result: Result, look: Lookup) -> Gates:
    found = [_limiting(look, item) for item in result.limiting_detail]
    not_checked = [_limiting(look, item) for item in result.not_checked_detail]
    clear = [sentence_case(c.title) for c in result.criteria if c.indicator == "not_found"]
    applies = len(found) + len(not_checked) + len(clear)
    if not applies:
        sentence = "No indicator of inadequate practice applies to the frameworks used."
    elif found:
        also = " and safeguarding (online) not met" if look.rubric.safeguarding else ""
        sentence = (
            f"Found: {len(found)} of {applies}. Any one found makes its framework's "
            f"judgement inadequate{also}, whatever the score."
        )
    elif not_checked:
        also = ", and safeguarding (online) is not met" if look.rubric.safeguarding else ""
        sentence = (
            f"Not checked: {len(not_checked)} of {applies}, because their questions are "
            "unanswered. Until every indicator is checked this review cannot say none is "
            f"found and gives no clean judgement{also}."
        )
    else:
        sentence = f"None found: all {applies} were checked against the school's answers."
    return Gates(found=found, not_checked=not_checked, not_found=clear, sentence=sentence)


def build_self_reported(result: Result, look: Lookup) -> list[SelfReportedView]:
    return [
        SelfReportedView(
            title=sentence_case(c.title),
            framework=look.framework_title(c.framework),
            expected=c.evidence_expected or "",
            anchor=anchor("criterion", c.id),
        )
        for c in result.criteria
        if c.self_reported
    ]
