"""One change to an answers file's text, checked as ``validate`` checks it.

Both ways of answering in place, ``fill`` in the terminal and ``serve`` in the
browser, change a file one answer at a time. :class:`AnswersText` holds the file's
text and what it loads as; :meth:`AnswersText.check` reads a candidate value exactly
as the loader reads it in a file (the same messages as ``validate``), and
:meth:`AnswersText.with_value` / :meth:`AnswersText.with_detail` return the text with
one value changed: only that value's characters are touched (comments, order, short
or long forms and line endings stay as they were), and the new text is loaded back
and must hold exactly the intended answers before it is returned. Writing the text to
disk is the caller's (with :func:`esafety_audit.io.atomic_write`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import InputError
from ..loading import answers_from_document
from ..models import ActionPlan, Answer, Answers, Rubric
from ..yamlfile import YamlDocument, parse_yaml
from .answer import Unclear
from .edit import node_at, set_first_entry, set_value, yaml_forms

# An answer's own fields besides its value, as the answers file names them; the
# action's two are under ``action:``.
DETAILS = ("evidence", "notes", "owner", "due")


@dataclass(frozen=True)
class AnswersText:
    """An answers file's text (without a byte order mark) and what it loads as."""

    name: str  # the file as the user named it, for messages
    rubric: Rubric
    text: str
    answers: Answers
    data: dict[str, Any]

    @classmethod
    def parse(cls, text: str, name: str, rubric: Rubric) -> AnswersText:
        """The text read as an answers file; raises :class:`InputError` as validate would."""
        doc = parse_yaml(text, name)
        if not isinstance(doc.data, dict):
            raise InputError(
                [doc.problem((), "an answers file holds the keys 'school' and 'answers'")]
            )
        return cls(name, rubric, text, answers_from_document(doc, doc.data, rubric), doc.data)

    # ------------------------------------------------------------------ checking

    def check(self, qid: str, candidate: Any, *, school: bool = False) -> Any:
        """``candidate`` as the answer to ``qid`` (or the school detail ``qid``), read as
        in a file; raises :class:`Unclear` with validate's message when it is refused."""
        if school:
            data = {**self.data, "school": {**self.data["school"], qid: candidate}}
        else:
            data = {**self.data, "answers": {qid: candidate}}
        checked = self._loaded(qid, data)
        return getattr(checked.school, qid) if school else checked.answers[qid].value

    def check_detail(self, qid: str, field: str, candidate: Any) -> Any:
        """``candidate`` as the evidence, notes, action owner or due date of ``qid``."""
        entry: dict[str, Any] = (
            {"action": {field: candidate}} if field in ("owner", "due") else {field: candidate}
        )
        checked = self._loaded(qid, {**self.data, "answers": {qid: entry}}).answers[qid]
        if field in ("owner", "due"):
            return getattr(checked.action, field) if checked.action else None
        return getattr(checked, field)

    def _loaded(self, qid: str, data: dict[str, Any]) -> Answers:
        try:
            return answers_from_document(YamlDocument(self.name, data), data, self.rubric)
        except InputError as exc:
            messages = [p.message.removeprefix(f"{qid}: ") for p in exc.problems]
            raise Unclear("; ".join(messages)) from None

    def value(self, qid: str) -> Any:
        answer = self.answers.answers.get(qid)
        return answer.value if answer is not None else None

    # ------------------------------------------------------------------ changing

    def with_value(self, qid: str, value: Any, *, school: bool = False) -> AnswersText:
        """The text with the answer to ``qid`` (or school detail ``qid``) set to ``value``,
        a value :meth:`check` returned; ``None`` clears it."""
        if school:
            details = self.answers.school.model_copy(update={qid: value})
            expected = self.answers.model_copy(update={"school": details})
            text = self.text
            edits: Iterable[str] = (
                set_value(text, ["school", qid], form) for form in yaml_forms(value)
            )
        else:
            old = self.answers.answers.get(qid)
            answer = old.model_copy(update={"value": value}) if old else Answer(value=value)
            expected = self._with_answer(qid, answer)
            edit = self._value_editor(qid)
            edits = (edit(form) for form in yaml_forms(value))
        return self._first_that_reads_back(edits, expected, qid)

    def with_detail(self, qid: str, field: str, value: Any) -> AnswersText:
        """The text with the evidence, notes, action owner or due date of ``qid`` set to
        ``value`` (from :meth:`check_detail`); a short-form answer becomes a flow mapping,
        ``{value: ..., evidence: ...}``, on its own line as before."""
        if field not in DETAILS:
            raise ValueError(f"unknown detail '{field}'")
        old = self.answers.answers.get(qid) or Answer()
        if field in ("owner", "due"):
            action = (old.action or ActionPlan()).model_copy(update={field: value})
            answer = old.model_copy(update={"action": action})
        else:
            answer = old.model_copy(update={field: value})
        expected = self._with_answer(qid, answer)
        return self._first_that_reads_back(self._detail_edits(qid, field, value), expected, qid)

    def _with_answer(self, qid: str, answer: Answer) -> Answers:
        return self.answers.model_copy(update={"answers": {**self.answers.answers, qid: answer}})

    def _value_editor(self, qid: str) -> Callable[[str], str]:
        text = self.text
        node = node_at(text, ["answers", qid])
        if isinstance(node, yaml.MappingNode) and node.value:  # the long form
            if node_at(text, ["answers", qid, "value"]) is None:
                return lambda form: set_first_entry(text, ["answers", qid], "value", form)
            return lambda form: set_value(text, ["answers", qid, "value"], form)
        return lambda form: set_value(text, ["answers", qid], form)

    def _detail_edits(self, qid: str, field: str, value: Any) -> Iterable[str]:
        text = self.text
        node = node_at(text, ["answers", qid])
        long_form = isinstance(node, yaml.MappingNode) and bool(node.value)
        forms = yaml_forms(value)
        if not long_form:  # the short form (or no entry yet): write it as a flow mapping
            current = self.value(qid)
            heads = [f"value: {f}, " for f in yaml_forms(current)] if current is not None else [""]
            for head in heads:
                for form in forms:
                    inner = f"{field}: {form or 'null'}"
                    if field in ("owner", "due"):
                        inner = f"action: {{{inner}}}"
                    yield set_value(text, ["answers", qid], "{" + head + inner + "}")
            return
        if field in ("owner", "due"):
            action = node_at(text, ["answers", qid, "action"])
            if not (isinstance(action, yaml.MappingNode) and action.value):
                for form in forms:
                    shown = form or "null"
                    yield set_value(text, ["answers", qid, "action"], f"{{{field}: {shown}}}")
                return
            path = ["answers", qid, "action", field]
        else:
            path = ["answers", qid, field]
        for form in forms:
            yield set_value(text, path, form)

    def _first_that_reads_back(
        self, edits: Iterable[str], expected: Answers, qid: str
    ) -> AnswersText:
        for text in edits:
            try:
                changed = AnswersText.parse(text, self.name, self.rubric)
            except InputError:
                continue  # this way of writing it does not read back: try the next
            if changed.answers == expected:
                return changed
        raise RuntimeError(f"could not write the answer to '{qid}' so that it reads back")
