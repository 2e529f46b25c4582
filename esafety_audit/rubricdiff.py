"""What changed between two versions of the rubrics and the question bank.

Each September a DSL (or a trust's safeguarding lead) updating the tool wants to
know what is new: which frameworks, criteria and questions were added, removed or
changed, and how. :func:`diff_rubrics` compares two loaded rubrics and returns a
:class:`RubricDiff`, a plain model with a stable JSON form; :func:`format_text`
writes it for a person. Nothing here reads files except :func:`diff_folders`,
which loads both folders through :func:`~esafety_audit.loading.load_rubric`, so
problems in either are reported as ``file:line:col``.

A rubric folder holds ``criteria/`` and ``questionnaires/`` (as the repository
does, or ``esafety_audit/data`` in an installed copy). A criteria folder whose
parent also holds ``questionnaires/`` is accepted too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic_core import to_jsonable_python

from .errors import InputError, Problem, UsageError
from .loading import load_rubric
from .models import Criterion, Framework, Question, QuestionBank, Rubric

SCHEMA_VERSION = "1.0"

# Fields of a question whose change can change what the right answer is: answers to
# questions changed in these ways are worth a second look.
ANSWER_FIELDS = frozenset({"prompt", "type", "choices", "applies_to", "future_dates"})

# Fields shown in full, old and new, in the text output; others show "old -> new".
_LONG_TEXT = frozenset({"statement", "prompt", "help", "action", "currency", "summary"})


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class FieldChange(_Model):
    """One field that differs. For lists of ids (choices, resources, related, areas,
    sections, sources) ``added``, ``removed``, ``reordered`` and ``edited`` (ids whose
    content changed) say how; ``old`` and ``new`` always hold both values."""

    field: str
    old: Any = None
    new: Any = None
    added: list[str] = []
    removed: list[str] = []
    reordered: bool = False
    edited: list[str] = []


class FrameworkItem(_Model):
    id: str
    title: str
    version: str


class FrameworkChange(FrameworkItem):
    fields: list[FieldChange]


class CriterionItem(_Model):
    id: str
    framework: str
    title: str


class CriterionChange(CriterionItem):
    fields: list[FieldChange]


class QuestionItem(_Model):
    id: str
    section: str
    label: str


class QuestionChange(QuestionItem):
    fields: list[FieldChange]


Item = TypeVar("Item", bound=_Model)
Change = TypeVar("Change", bound=_Model)


class Changes(_Model, Generic[Item, Change]):
    """What was added, removed and changed, each in rubric order."""

    added: list[Item] = []
    removed: list[Item] = []
    changed: list[Change] = []

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


class BankChange(_Model):
    id: str
    title: str
    old_version: str
    new_version: str
    fields: list[FieldChange]


class RubricDiff(_Model):
    """Everything that differs between two rubrics; empty lists when nothing does."""

    schema_version: str = SCHEMA_VERSION
    question_bank: BankChange
    frameworks: Changes[FrameworkItem, FrameworkChange]
    criteria: Changes[CriterionItem, CriterionChange]
    questions: Changes[QuestionItem, QuestionChange]
    settings: list[FieldChange] = []  # rubric-wide settings beyond the bank and frameworks

    def is_empty(self) -> bool:
        return not (
            self.question_bank.fields
            or self.frameworks
            or self.criteria
            or self.questions
            or self.settings
        )

    def questions_to_revisit(self) -> list[str]:
        """Ids of questions that are new, or changed in a way that may change the answer."""
        changed = [
            q.id for q in self.questions.changed if any(f.field in ANSWER_FIELDS for f in q.fields)
        ]
        return [q.id for q in self.questions.added] + changed

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- comparing


def _data(value: Any) -> Any:
    return to_jsonable_python(value)


def _value_change(name: str, old: Any, new: Any) -> FieldChange | None:
    old, new = _data(old), _data(new)
    return None if old == new else FieldChange(field=name, old=old, new=new)


def _keyed_change(
    name: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> FieldChange | None:
    """A list of things with ids: what was added, removed, reordered or edited."""
    before = {k: _data(v) for k, v in (old or {}).items()}
    after = {k: _data(v) for k, v in (new or {}).items()}
    if before == after and list(before) == list(after) and (old is None) == (new is None):
        return None
    common = [k for k in after if k in before]
    return FieldChange(
        field=name,
        old=None if old is None else before,
        new=None if new is None else after,
        added=[k for k in after if k not in before],
        removed=[k for k in before if k not in after],
        reordered=common != [k for k in before if k in after],
        edited=[k for k in common if before[k] != after[k]],
    )


def _ids_change(name: str, old: Sequence[str], new: Sequence[str]) -> FieldChange | None:
    if list(old) == list(new):
        return None
    change = _keyed_change(name, dict.fromkeys(old), dict.fromkeys(new))
    if change is None:  # the same ids, one of them listed twice
        return FieldChange(field=name, old=list(old), new=list(new))
    return change.model_copy(update={"old": list(old), "new": list(new)})


def _rule(c: Criterion) -> dict[str, Any]:
    return {k: v.to_data() for k, v in c.rule if v is not None}


def _choices(q: Question) -> dict[str, str] | None:
    ids = q.answer_choices()
    return None if ids is None else {i: q.choice_label(i) for i in ids}


Compare = Callable[[str, Any, Any], list[FieldChange]]


def _plain(name: str, old: Any, new: Any) -> list[FieldChange]:
    found = _value_change(name, getattr(old, name), getattr(new, name))
    return [] if found is None else [found]


def _by(value: Callable[[Any], Any], keyed: bool) -> Compare:
    """Compare ``value(model)`` of both models: as a list of ids, or as values by id."""

    def compare(name: str, old: Any, new: Any) -> list[FieldChange]:
        a, b = value(old), value(new)
        found = _keyed_change(name, a, b) if keyed else _ids_change(name, a, b)
        return [] if found is None else [found]

    return compare


_ITEM_KEYS = ("id", "priority", "version")  # what names an entry of a list of settings


def _item_key(items: Any) -> str | None:
    """The key that names each entry of a list of mappings, if every entry has a distinct one."""
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in _ITEM_KEYS:
        names = [i.get(key) for i in items]
        if all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
            return key
    return None


def _deep_changes(name: str, old: Any, new: Any) -> list[FieldChange]:
    """Each leaf of a settings block that differs, named by its path
    (``priorities[urgent].label``), so that one changed word in a long block reads as
    that word, not as the whole block twice. Lists of named entries that gained, lost or
    reordered entries are reported as such, then their common entries are walked."""
    old, new = _data(old), _data(new)
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        keys = dict.fromkeys([*old, *new])
        return [c for k in keys for c in _deep_changes(f"{name}.{k}", old.get(k), new.get(k))]
    key = _item_key(old)
    if key is not None and key == _item_key(new):
        before = {i[key]: i for i in old}
        after = {i[key]: i for i in new}
        found: list[FieldChange] = []
        if list(before) != list(after):
            shape = _keyed_change(name, {k: k for k in before}, {k: k for k in after})
            found += [shape] if shape is not None else []
        return found + [
            c
            for k in after
            if k in before
            for c in _deep_changes(f"{name}[{k}]", before[k], after[k])
        ]
    change = _value_change(name, old, new)
    return [change] if change is not None else []


def _scoring(name: str, old: Framework, new: Framework) -> list[FieldChange]:
    """Each part of the scoring block on its own: thresholds, ratings, priorities, wording."""
    return _deep_changes(name, old.scoring, new.scoring)


def _settings(name: str, old: Any, new: Any) -> list[FieldChange]:
    """A rubric-wide settings file (common.yaml, safeguarding.yaml), leaf by leaf."""
    return _deep_changes(name, getattr(old, name), getattr(new, name))


def _fields(
    old: Any,
    new: Any,
    order: Sequence[str],
    special: Mapping[str, Compare],
    otherwise: Compare | None = None,
) -> list[FieldChange]:
    """Every field that differs: those in ``order`` first, then any others the model has
    (so that a field added to the models later is compared too), ids and children apart."""
    fields = type(new).model_fields
    names = [
        *(f for f in order if f in fields),
        *(f for f in fields if f not in order and f not in _APART),
    ]
    return [c for name in names for c in special.get(name, otherwise or _plain)(name, old, new)]


_APART = frozenset({"id", "criteria", "questions"})  # the key itself, and children diffed apart

_CRITERION_ORDER = (
    "title",
    "statement",
    "kind",
    "area",
    "weight",
    "rule",
    "action",
    "applies_to",
    "source",
    "related",
    "resources",
    "currency",
    "framework",
)
_CRITERION_SPECIAL: dict[str, Compare] = {
    "rule": lambda name, a, b: [c for c in [_value_change(name, _rule(a), _rule(b))] if c],
    "related": _by(lambda c: c.related, keyed=False),
    "resources": _by(lambda c: c.resources, keyed=False),
}
_QUESTION_ORDER = (
    "label",
    "prompt",
    "type",
    "choices",
    "applies_to",
    "help",
    "better",
    "future_dates",
    "section",
)
_QUESTION_SPECIAL: dict[str, Compare] = {"choices": _by(_choices, keyed=True)}
_FRAMEWORK_ORDER = (
    "title",
    "version",
    "published",
    "order",
    "summary",
    "sources",
    "areas",
    "scoring",
    "resources",
)
_FRAMEWORK_SPECIAL: dict[str, Compare] = {
    "sources": _by(lambda f: {s.id: s for s in f.sources}, keyed=True),
    "areas": _by(lambda f: {a.id: a for a in f.areas}, keyed=True),
    "scoring": _scoring,
    "resources": _by(lambda f: f.resources, keyed=True),
}
_BANK_ORDER = ("title", "version", "published", "phases", "history", "sections")
_BANK_SPECIAL: dict[str, Compare] = {
    "history": _by(lambda b: {v.version: v for v in getattr(b, "history", [])}, keyed=True),
    "sections": _by(lambda b: {s.id: s.title for s in b.sections}, keyed=True),
}


def criterion_fields(old: Criterion, new: Criterion) -> list[FieldChange]:
    """The fields of a criterion that differ."""
    return _fields(old, new, _CRITERION_ORDER, _CRITERION_SPECIAL)


def question_fields(old: Question, new: Question) -> list[FieldChange]:
    """The fields of a question that differ."""
    return _fields(old, new, _QUESTION_ORDER, _QUESTION_SPECIAL)


def framework_fields(old: Framework, new: Framework) -> list[FieldChange]:
    """The header fields of a framework that differ (its criteria are compared apart)."""
    return _fields(old, new, _FRAMEWORK_ORDER, _FRAMEWORK_SPECIAL)


def bank_fields(old: QuestionBank, new: QuestionBank) -> list[FieldChange]:
    """The header fields of the question bank that differ (its questions are compared apart)."""
    return _fields(old, new, _BANK_ORDER, _BANK_SPECIAL)


def rubric_fields(old: Rubric, new: Rubric) -> list[FieldChange]:
    """Settings of the rubric as a whole (beyond the bank and the frameworks) that differ."""
    return _fields(
        old, new, ("common", "safeguarding"), {"bank": _none, "frameworks": _none}, _settings
    )


def _none(name: str, old: Any, new: Any) -> list[FieldChange]:
    return []


K = TypeVar("K")


def _compare(
    old: Mapping[str, K],
    new: Mapping[str, K],
    item: Callable[[K], Any],
    change: Callable[[K, K], Any],
) -> dict[str, list[Any]]:
    return {
        "added": [item(v) for k, v in new.items() if k not in old],
        "removed": [item(v) for k, v in old.items() if k not in new],
        "changed": [change(old[k], v) for k, v in new.items() if k in old],
    }


def diff_rubrics(old: Rubric, new: Rubric) -> RubricDiff:
    """Everything added, removed or changed from ``old`` to ``new``."""

    def fw_item(f: Framework) -> FrameworkItem:
        return FrameworkItem(id=f.id, title=f.title, version=f.version)

    def fw_change(a: Framework, b: Framework) -> FrameworkChange:
        return FrameworkChange(**fw_item(b).model_dump(), fields=framework_fields(a, b))

    def c_item(c: Criterion) -> CriterionItem:
        return CriterionItem(id=c.id, framework=c.framework, title=c.title)

    def c_change(a: Criterion, b: Criterion) -> CriterionChange:
        return CriterionChange(**c_item(b).model_dump(), fields=criterion_fields(a, b))

    def q_item(q: Question) -> QuestionItem:
        return QuestionItem(id=q.id, section=q.section, label=q.label)

    def q_change(a: Question, b: Question) -> QuestionChange:
        return QuestionChange(**q_item(b).model_dump(), fields=question_fields(a, b))

    frameworks = _compare(
        {f.id: f for f in old.frameworks}, {f.id: f for f in new.frameworks}, fw_item, fw_change
    )
    criteria = _compare(
        {c.id: c for c in old.criteria()}, {c.id: c for c in new.criteria()}, c_item, c_change
    )
    questions = _compare(old.bank.questions(), new.bank.questions(), q_item, q_change)
    return RubricDiff(
        question_bank=BankChange(
            id=new.bank.id,
            title=new.bank.title,
            old_version=old.bank.version,
            new_version=new.bank.version,
            fields=bank_fields(old.bank, new.bank),
        ),
        frameworks=Changes[FrameworkItem, FrameworkChange](**_only_changed(frameworks)),
        criteria=Changes[CriterionItem, CriterionChange](**_only_changed(criteria)),
        questions=Changes[QuestionItem, QuestionChange](**_only_changed(questions)),
        settings=rubric_fields(old, new),
    )


def _only_changed(found: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {**found, "changed": [c for c in found["changed"] if c.fields]}


# --------------------------------------------------------------------------- folders


def rubric_folders(folder: Path) -> tuple[Path, Path]:
    """The criteria and questionnaires folders of a rubric folder."""
    if (folder / "criteria").is_dir() and (folder / "questionnaires").is_dir():
        return folder / "criteria", folder / "questionnaires"
    sibling = folder.parent / "questionnaires"
    if folder.is_dir() and sibling.is_dir() and any(folder.glob("*.yaml")):
        return folder, sibling
    if not folder.exists():
        raise UsageError(f"{folder}: no such folder")
    raise UsageError(
        f"{folder} holds no criteria/ and questionnaires/ folders; give the folder that holds "
        "both (such as a copy of the repository), or a criteria folder with questionnaires/ "
        "beside it"
    )


def diff_folders(old: Path, new: Path) -> RubricDiff:
    """Load two rubric folders and compare them; problems in either are reported together."""
    rubrics: list[Rubric] = []
    problems: list[Problem] = []
    for folder in (old, new):
        criteria, questionnaires = rubric_folders(folder)
        try:
            rubrics.append(load_rubric(criteria.resolve(), questionnaires.resolve()))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return diff_rubrics(*rubrics)


# --------------------------------------------------------------------------- text


def _show(value: Any) -> str:
    """A value on one line, as a person reads it."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) or "(none)"
    if isinstance(value, dict) and set(value) == {"phases", "key_stages"}:
        parts = [f"{k.replace('_', ' ')} {', '.join(v)}" for k, v in value.items() if v]
        return "; ".join(parts) or "everyone"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def field_lines(change: FieldChange) -> list[str]:
    """How one field changed, in a line or three."""
    name = change.field
    if change.added or change.removed or change.reordered or change.edited:
        parts = [
            *([f"added {', '.join(change.added)}"] if change.added else []),
            *([f"removed {', '.join(change.removed)}"] if change.removed else []),
            *(["reordered"] if change.reordered else []),
            *([f"changed {', '.join(change.edited)}"] if change.edited else []),
        ]
        return [f"{name}: {'; '.join(parts)}", *_rewordings(change)]
    if name in _LONG_TEXT or name == "rule":
        return [f"{name}:", f"  was: {_show(change.old)}", f"  now: {_show(change.new)}"]
    return [f"{name}: {_show(change.old)} -> {_show(change.new)}"]


def _rewordings(change: FieldChange) -> list[str]:
    """For choices and sections, each changed label, old and new."""
    if not (isinstance(change.old, dict) and isinstance(change.new, dict)):
        return []
    return [
        f"  {key}: {change.old[key]!r} -> {change.new[key]!r}"
        for key in change.edited
        if isinstance(change.old[key], str) and isinstance(change.new[key], str)
    ]


def _section(
    heading: str,
    changes: Changes[Any, Any],
    describe: Callable[[Any], str],
) -> list[str]:
    counts = (len(changes.added), len(changes.removed), len(changes.changed))
    lines = [f"{heading}: {counts[0]} added, {counts[1]} removed, {counts[2]} changed"]
    lines += [f"  Added:   {describe(i)}" for i in changes.added]
    lines += [f"  Removed: {describe(i)}" for i in changes.removed]
    for c in changes.changed:
        lines.append(f"  Changed: {describe(c)}")
        lines += [f"      {line}" for f in c.fields for line in field_lines(f)]
    return lines


def format_text(diff: RubricDiff, old: Path | str = "old", new: Path | str = "new") -> str:
    """The diff for a person: one section each for frameworks, criteria and questions."""
    bank = diff.question_bank
    lines = [f"Rubric changes from {old} to {new}", ""]
    if diff.is_empty():
        lines.append(
            "No changes: the frameworks, criteria and questions are the same in both folders."
        )
        return "\n".join(lines) + "\n"
    same = bank.old_version == bank.new_version
    lines.append(
        f"Question bank ({bank.title}): version {bank.new_version}"
        + (" in both" if same else f", was {bank.old_version}")
    )
    lines += [
        f"      {line}" for f in bank.fields if f.field != "version" for line in field_lines(f)
    ]
    groups: Iterable[tuple[str, Changes[Any, Any], Callable[[Any], str]]] = (
        ("Frameworks", diff.frameworks, lambda f: f"{f.id} (version {f.version}): {f.title}"),
        ("Criteria", diff.criteria, lambda c: f"{c.id} ({c.framework}): {c.title}"),
        ("Questions", diff.questions, lambda q: f"{q.id} ({q.section}): {q.label}"),
    )
    for heading, changes, describe in groups:
        lines += ["", *_section(heading, changes, describe)]
    if diff.settings:
        lines += ["", "Other rubric settings:"]
        lines += [f"      {line}" for f in diff.settings for line in field_lines(f)]
    lines += _advice(diff)
    return "\n".join(lines) + "\n"


def _advice(diff: RubricDiff) -> list[str]:
    lines = []
    revisit = diff.questions_to_revisit()
    if revisit:
        count = f"{len(revisit)} new or changed question{'' if len(revisit) == 1 else 's'}"
        lines += ["", f"Answers to revisit ({count}):"]
        lines += [f"  {qid}" for qid in revisit]
    if diff.questions.removed:
        lines += [
            "",
            "Answers files that still answer a removed question will not validate until "
            "that answer is deleted.",
        ]
    return lines
