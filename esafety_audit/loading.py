"""Loading: the only place that reads files. YAML in, validated models out.

Every problem in a file is collected with its line and column before anything
is raised, so that a whole list of fixes can be made in one go.
"""

from __future__ import annotations

import contextlib
import functools
import math
import string
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError

from . import rubriccache
from .errors import MAX_PROBLEMS_PER_FILE, InputError, Problem
from .infile import shown_path
from .models import (
    JUDGEMENT_ORDER,
    Answer,
    Answers,
    Common,
    Criterion,
    ExternalFramework,
    FiledQuestions,
    Framework,
    Question,
    QuestionBank,
    Rubric,
    Safeguarding,
    Wording,
)
from .resultjson import load_result
from .rules import Absent, Condition, RuleProblem, parse_condition, suggest
from .yamlfile import YamlDocument, format_path, read_yaml

M = TypeVar("M", bound=BaseModel)

PACKAGE_DATA = Path(__file__).parent / "data"
SOURCE_ROOT = Path(__file__).parent.parent


def data_dir(name: str) -> Path:
    """Where the shipped ``criteria`` or ``questionnaires`` folder is.

    An installed wheel carries them inside the package; a source checkout
    (or an editable install) has them at the top of the repository.
    """
    packaged = PACKAGE_DATA / name
    return packaged if packaged.is_dir() else SOURCE_ROOT / name


def _shown(path: Path) -> str:
    """A path as short as it can be shown (see :func:`~esafety_audit.infile.shown_path`)."""
    return shown_path(path)


# --------------------------------------------------------------------------- pydantic errors


def _field_names(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys allowed at ``loc`` inside ``model``, for 'unknown key' messages."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        elif get_origin(annotation) in (list, dict):
            annotation = get_args(annotation)[-1]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """``X | None`` as ``X``."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) not in (list, dict) and len(args) == 1:
        return args[0]
    return annotation


def _friendly(error: Mapping[str, Any], allowed: list[str]) -> str:
    kind = error["type"]
    loc = error["loc"]
    named = [part for part in loc if isinstance(part, str)]  # a list item: its list's name
    name = named[-1] if named else "value"
    given = error.get("input")
    if kind == "missing":
        return f"'{name}' is missing; add it"
    if kind == "extra_forbidden":
        hint = suggest(name, allowed)
        listing = f"; allowed keys: {', '.join(allowed)}" if allowed else ""
        return f"unknown key '{name}'{hint}{listing}"
    if kind == "literal_error":
        shown = _shown_value(given)
        return f"{shown} is not allowed for '{name}'; use one of: {error['ctx']['expected']}"
    if kind.startswith("date"):
        shown = _shown_value(given)
        return f"{shown} is not a date for '{name}'; write it as YYYY-MM-DD, e.g. 2026-09-01"
    if kind == "string_pattern_mismatch" and name == "urn":
        shown = _shown_value(given)
        return f"{shown} is not a URN; use the school's 6 or 7 digit unique reference number"
    if kind == "string_pattern_mismatch" and name == "url":
        shown = _shown_value(given)
        return f"{shown} is not a web address; give one starting with https:// (or mailto:)"
    if kind == "string_pattern_mismatch":
        return (
            f"{_shown_value(given)} is not a valid '{name}': use lower-case letters, digits "
            "and underscores, starting with a letter"
        )
    if kind in ("model_type", "dict_type"):
        return f"'{name}' should be a mapping of keys to values, not {_what(given)}"
    if kind == "list_type":
        return f"'{name}' should be a list, not {_what(given)}"
    if kind in _EXPECTED:
        return f"'{name}' should be {_EXPECTED[kind]}, not {_what(given)}"
    if kind == "string_too_short":
        return f"'{name}' is blank; write some text"
    return f"'{name}': {str(error['msg']).removeprefix('Value error, ')}"


# What a value should have been, for pydantic's error types, in a headteacher's words.
_EXPECTED = {
    "string_type": "text",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "finite_number": "an ordinary number",
}


def _what(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data"
    return _shown_value(value)


def pydantic_problems(
    doc: YamlDocument,
    exc: ValidationError,
    model: type[BaseModel],
    prefix: tuple[str | int, ...] = (),
) -> list[Problem]:
    """Each pydantic error as a :class:`Problem` at its place in the file."""
    problems = []
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if not str(part).startswith("function-"))
        path = (*prefix, *loc)
        key = error["type"] == "extra_forbidden"
        message = _friendly(error, _field_names(model, loc[:-1]))
        if error["type"] == "missing":
            problems.append(doc.problem(path[:-1], message, key=True))
        else:
            problems.append(doc.problem(path, message, key=key))
    return problems


def _validate(
    model: type[M],
    data: Any,
    doc: YamlDocument,
    problems: list[Problem],
    prefix: tuple[str | int, ...] = (),
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(doc, exc, model, prefix))
        return None


def _require_mapping(doc: YamlDocument, expected: str) -> dict[str, Any]:
    if not isinstance(doc.data, dict):
        found = "a list" if isinstance(doc.data, list) else f"a single value ({doc.data!r})"
        raise InputError([doc.problem((), f"expected a mapping with {expected}, found {found}")])
    return doc.data


def _read_mapping(path: Path, expected: str) -> tuple[YamlDocument, dict[str, Any]]:
    doc = read_yaml(path, _shown(path))
    return doc, _require_mapping(doc, expected)


# --------------------------------------------------------------------------- question bank


def load_bank(folder: Path) -> tuple[QuestionBank, dict[str, Problem]]:
    """The question bank: ``bank.yaml`` and every file in ``questions/``.

    Returns the bank and, for each question id, a problem located at its
    definition, used later to report questions no criterion reads.
    """
    doc, header = _read_mapping(folder / "bank.yaml", "id, title, version, phases and sections")
    problems: list[Problem] = []
    bank = _validate(QuestionBank, header, doc, problems)
    if bank is None:
        raise InputError(problems)
    filed: dict[str, list[Question]] = {s.id: [] for s in bank.sections}
    places: dict[str, Problem] = {}
    files = sorted((folder / "questions").glob("*.yaml"))
    if not files:
        problems.append(doc.problem((), f"no question files in {_shown(folder / 'questions')}"))
    for file in files:
        qdoc, data = _read_mapping(file, "a 'sections' list")
        parsed = _validate(_QuestionsFile, data, qdoc, problems)
        for s_index, section in enumerate(parsed.sections if parsed else []):
            if section.id not in filed:
                problems.append(
                    qdoc.problem(
                        ("sections", s_index, "id"),
                        (
                            f"unknown section '{section.id}'{suggest(section.id, filed)}; "
                            f"the sections are listed in {doc.name}: {', '.join(filed)}"
                        ),
                    )
                )
                continue
            for q_index, question in enumerate(section.questions):
                where = ("sections", s_index, "questions", q_index)
                problems.extend(_question_problems(question, qdoc, where, places))
                places.setdefault(question.id, qdoc.problem((*where, "id"), ""))
                filed[section.id].append(question.model_copy(update={"section": section.id}))
    if not problems:
        filed_questions = [q for qs in filed.values() for q in qs]
        problems.extend(_history_problems(bank, filed_questions, doc))
    if problems:
        raise InputError(problems)
    sections = [s.model_copy(update={"questions": filed[s.id]}) for s in bank.sections]
    return bank.model_copy(update={"sections": sections}), places


def _history_problems(
    bank: QuestionBank, questions: list[Question], doc: YamlDocument
) -> list[Problem]:
    """The history ends at this version and names only questions it can."""
    asked = {q.id for q in questions}
    if not bank.history:
        return []
    problems = []
    if bank.history[-1].version != bank.version:
        problems.append(
            doc.problem(
                ("history", len(bank.history) - 1, "version"),
                f"the last version in the history is {bank.history[-1].version!r} but the "
                f"bank is version {bank.version!r}; add an entry for {bank.version!r} saying "
                "what it added, changed or removed",
            )
        )
    seen: set[str] = set()
    gone = bank.removed()
    changed = {qid for entry in bank.history for qid in entry.changed}
    for question in questions:
        if question.retired_choices and question.id not in changed:
            problems.append(
                doc.problem(
                    ("history", len(bank.history) - 1, "changed"),
                    f"question '{question.id}' has retired choices "
                    f"({', '.join(question.retired_choices)}) but no version lists it as "
                    "changed; add it to the 'changed' of the version that retired them",
                )
            )
    for i, entry in enumerate(bank.history):
        if entry.version in seen:
            problems.append(
                doc.problem(("history", i, "version"), f"version {entry.version!r} is listed twice")
            )
        seen.add(entry.version)
        for key in ("added", "changed"):
            for j, qid in enumerate(getattr(entry, key)):
                if qid not in asked and qid not in gone:
                    problems.append(
                        doc.problem(
                            ("history", i, key, j),
                            f"question '{qid}' is not in the bank{suggest(qid, sorted(asked))}",
                        )
                    )
        for j, qid in enumerate(entry.removed):
            if qid in asked and qid not in (a for e in bank.history[i + 1 :] for a in e.added):
                problems.append(
                    doc.problem(
                        ("history", i, "removed", j),
                        f"question '{qid}' is listed as removed but is still asked; take it "
                        "out of the questions, or out of 'removed'",
                    )
                )
    return problems


class _QuestionsFile(BaseModel):
    model_config = {"extra": "forbid"}
    sections: list[FiledQuestions]


def _question_problems(
    question: Question, doc: YamlDocument, where: tuple[str | int, ...], places: dict[str, Problem]
) -> list[Problem]:
    problems = []
    trouble = _choices_problem(question)
    if trouble:
        problems.append(doc.problem((*where, "type"), trouble))
    for i, choice in enumerate(question.retired_choices):
        if question.type not in _CHOICE_TYPES or choice in question.choice_ids():
            problems.append(
                doc.problem(
                    (*where, "retired_choices", i),
                    f"'{choice}' is retired but "
                    + (
                        "is still one of the choices; take it out of one list or the other"
                        if question.type in _CHOICE_TYPES
                        else f"a {question.type} question has no choices to retire"
                    ),
                )
            )
    if question.absent and question.type not in _ABSENT_TYPES:
        problems.append(
            doc.problem(
                (*where, "absent"),
                f"a {question.type} question takes no 'absent' answers; they are for "
                f"{', '.join(_ABSENT_TYPES)} questions",
            )
        )
    if question.id in places:
        first = places[question.id]
        problems.append(
            doc.problem(
                (*where, "id"),
                (
                    f"question id '{question.id}' is defined twice (first at {first.file}:"
                    f"{first.line}); ids must be unique"
                ),
            )
        )
    return problems


_CHOICE_TYPES = ("single_choice", "multiple_choice")
# The types whose every operator knows how to read an absence (rules.Operator.on_absent).
_ABSENT_TYPES = ("date", "number", "percentage")


def _choices_problem(question: Question) -> str | None:
    if question.type in _CHOICE_TYPES and not question.choices:
        return f"a {question.type} question needs 'choices'"
    if question.type not in _CHOICE_TYPES and question.choices:
        return (
            f"a {question.type} question takes no 'choices'; use single_choice or multiple_choice"
        )
    return None


# --------------------------------------------------------------------------- frameworks


def load_framework(path: Path, questions: Mapping[str, Question]) -> Framework:
    """One rubric file, its rules parsed and every cross-reference checked."""
    return _load_framework(path, questions)[0]


def _load_framework(
    path: Path, questions: Mapping[str, Question]
) -> tuple[Framework, YamlDocument]:
    doc, data = _read_mapping(path, "a framework header and 'criteria'")
    problems: list[Problem] = []
    broken: set[int] = set()  # criteria whose rules already failed to parse
    criteria = data.get("criteria")
    if isinstance(criteria, list):
        data = {
            **data,
            "criteria": [
                _with_rule(c, i, questions, doc, problems, broken) for i, c in enumerate(criteria)
            ],
        }
    framework = _validate(Framework, data, doc, problems)
    if framework is not None:
        problems.extend(_cross_check(framework, doc, broken))
        framework = framework.model_copy(
            update={
                "criteria": [
                    c.model_copy(update={"framework": framework.id}) for c in framework.criteria
                ]
            }
        )
    if framework is None or problems:
        raise InputError(problems)
    return framework, doc


def _with_rule(
    criterion: Any,
    index: int,
    questions: Mapping[str, Question],
    doc: YamlDocument,
    problems: list[Problem],
    broken: set[int],
) -> Any:
    """The criterion's data with its rule's conditions parsed into :class:`Condition`;
    ``index`` joins ``broken`` when a condition fails to parse."""
    if not isinstance(criterion, dict) or not isinstance(criterion.get("rule"), dict):
        return criterion
    rule_problems: list[RuleProblem] = []
    parsed: dict[str, Condition | Any | None] = {}
    for key, value in criterion["rule"].items():
        if key in ("met", "partly", "triggered", "applies"):
            parsed[key] = parse_condition(
                value, ("criteria", index, "rule", key), questions, rule_problems
            )
        else:
            parsed[key] = value  # pydantic reports the unknown key
    for where, message in rule_problems:
        problems.append(doc.problem(where, message, key=where[-1] != "question"))
    if rule_problems:
        broken.add(index)
    return {**criterion, "rule": parsed}


def _cross_check(framework: Framework, doc: YamlDocument, broken: set[int]) -> list[Problem]:
    """Checks across the file; ``broken`` holds criteria whose rules already failed."""
    problems: list[Problem] = []
    areas = {a.id for a in framework.areas}
    documents = {d.id for d in framework.sources}
    seen: set[str] = set()
    for i, c in enumerate(framework.criteria):
        at = ("criteria", i)
        if c.id in seen:
            problems.append(doc.problem((*at, "id"), f"criterion id '{c.id}' is used twice"))
        seen.add(c.id)
        if c.area not in areas:
            problems.append(
                doc.problem(
                    (*at, "area"),
                    f"unknown area '{c.area}'"
                    f"{suggest(c.area, sorted(areas))}; areas: {', '.join(sorted(areas))}",
                )
            )
        if c.source.document not in documents:
            problems.append(
                doc.problem(
                    (*at, "source", "document"),
                    f"unknown source document '{c.source.document}'; "
                    f"declared: {', '.join(sorted(documents))}",
                )
            )
        for j, resource in enumerate(c.resources):
            if resource not in framework.resources:
                problems.append(
                    doc.problem(
                        (*at, "resources", j),
                        f"unknown resource '{resource}'{suggest(resource, framework.resources)}",
                    )
                )
        if i not in broken:
            problems.extend(doc.problem((*at, "rule"), m) for m in _rule_shape(c))
        if c.basis == "tool" and not (c.rationale or "").strip():
            problems.append(
                doc.problem(
                    (*at, "basis"),
                    "a threshold of the tool's own needs a 'rationale' saying why it is set so",
                )
            )
        if c.evidence is not None and c.kind == "inadequate_indicator":
            problems.append(
                doc.problem(
                    (*at, "evidence"),
                    "an indicator of inadequate practice names no evidence: it is found or not",
                )
            )
    problems.extend(_scoring_problems(framework, doc))
    return problems


def _rule_shape(c: Criterion) -> list[str]:
    rule = c.rule
    if c.kind == "inadequate_indicator":
        if rule.triggered is None or rule.met is not None or rule.partly is not None:
            return ["an inadequate indicator's rule gives 'triggered' (and no 'met' or 'partly')"]
    elif rule.met is None or rule.triggered is not None:
        return ["this criterion's rule gives 'met' (and optionally 'partly'), not 'triggered'"]
    return []


# The placeholders each sentence of scoring.wording may use.
_PLACEHOLDERS = {
    "limiting": {"label", "indicator", "others"},
    "one_more": {"more"},
    "more": {"more"},
    "not_checked": {"label", "indicators", "questions"},
    "level": {"label", "score", "coverage", "red_areas", "held_back"},
    "held_back": {"next", "causes"},
    "cause_score": {"score", "min_score"},
    "cause_coverage": {"coverage", "min_coverage"},
    "cause_red": {"count", "areas"},
    "red_areas": {"areas"},
    "not_judged": {"coverage", "needed"},
    "nothing_applies": set(),
}


def _wording_problems(wording: Wording, doc: YamlDocument) -> list[Problem]:
    return [
        problem
        for key, allowed in _PLACEHOLDERS.items()
        for problem in _placeholder_problems(
            getattr(wording, key), allowed, ("scoring", "wording", key), doc
        )
    ]


def _placeholder_problems(
    text: str, allowed: set[str], where: tuple[str | int, ...], doc: YamlDocument
) -> list[Problem]:
    """A sentence the engine fills in uses only the placeholders it is given."""
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(text)}
    except ValueError as exc:
        return [doc.problem(where, f"unbalanced braces ({exc}); write {{{{ for {{")]
    unknown = sorted(name for name in used - allowed if name is not None)
    if not unknown:
        return []
    can = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
    return [
        doc.problem(where, f"unknown placeholder {{{unknown[0]}}}; this sentence can use {can}")
    ]


def _scoring_problems(framework: Framework, doc: YamlDocument) -> list[Problem]:
    scoring = framework.scoring
    problems = []
    levels = scoring.judgement or []
    order = list(reversed(JUDGEMENT_ORDER))
    if levels and [lv.level for lv in levels] != order:
        problems.append(
            doc.problem(("scoring", "judgement"), f"list the levels best first: {', '.join(order)}")
        )
    if levels and (levels[-1].min_coverage or levels[-1].max_red_areas is not None):
        problems.append(
            doc.problem(
                ("scoring", "judgement", len(levels) - 1),
                "the last level is what is left: give it no min_coverage or max_red_areas",
            )
        )
    problems.extend(_wording_problems(scoring.wording, doc))
    for name, bands in (("judgement", levels), ("ratings", scoring.ratings)):
        scores = [b.min_score for b in bands]
        if scores != sorted(scores, reverse=True) or (scores and scores[-1] != 0):
            problems.append(
                doc.problem(
                    ("scoring", name),
                    "minimum scores must fall from the "
                    "first entry to the last, and the last must be 0",
                )
            )
    if [b.rating for b in scoring.ratings] != ["green", "amber", "red"]:
        problems.append(doc.problem(("scoring", "ratings"), "list the ratings green, amber, red"))
    if scoring.basis == "tool" and not scoring.rationale.strip():
        problems.append(
            doc.problem(
                ("scoring", "basis"),
                "thresholds of the tool's own need a 'rationale' saying why they are set so",
            )
        )
    best = scoring.not_checked_best
    if best is not None and best not in [lv.level for lv in levels]:
        problems.append(
            doc.problem(("scoring", "not_checked_best"), f"'{best}' is not one of the levels")
        )
    return problems


# --------------------------------------------------------------------------- the rubric


@functools.cache
def load_rubric(criteria: Path | None = None, questionnaires: Path | None = None) -> Rubric:
    """The question bank and every framework in the criteria folder, cross-checked.

    A rubric that loaded without problems is kept in the rubric cache (see
    :mod:`~esafety_audit.rubriccache`), keyed by the bytes of every file it is read from.
    """
    criteria = criteria or data_dir("criteria")
    questionnaires = questionnaires or data_dir("questionnaires")
    entry = rubriccache.key(_rubric_files(criteria, questionnaires))
    cached = None if entry is None else rubriccache.load(entry)
    if cached is not None:
        return cached
    rubric = _load_rubric(criteria, questionnaires)
    if entry is not None:
        rubriccache.store(entry, rubric)
    return rubric


def _rubric_files(criteria: Path, questionnaires: Path) -> list[Path]:
    """Every file a rubric is read from, in a fixed order."""
    return [
        questionnaires / "bank.yaml",
        *sorted((questionnaires / "questions").glob("*.yaml")),
        *sorted(f for f in criteria.glob("*.yaml") if f.name != COMMON_FILE),
        *sorted((criteria / EXTERNAL_FOLDER).glob("*.yaml")),
        _common_file(criteria),
    ]


def _load_rubric(criteria: Path, questionnaires: Path) -> Rubric:
    bank, places = load_bank(questionnaires)
    questions = bank.questions()
    problems: list[Problem] = []
    frameworks: list[Framework] = []
    docs: list[YamlDocument] = []
    files = sorted(f for f in criteria.glob("*.yaml") if f.name not in _NOT_FRAMEWORKS)
    if not files:
        raise InputError(
            [Problem(_shown(criteria), 1, 1, "no rubric (*.yaml) files in this folder")]
        )
    for file in files:
        try:
            framework, doc = _load_framework(file, questions)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        frameworks.append(framework)
        docs.append(doc)
    used = {qid for f in frameworks for c in f.criteria for qid in c.rule.questions()}
    if not problems:
        for qid, place in places.items():
            if qid not in used:
                problems.append(
                    Problem(
                        place.file,
                        place.line,
                        place.column,
                        f"question '{qid}' is not read by any criterion; "
                        "use it in a rule or remove it",
                        place.key,
                    )
                )
    ids = [f.id for f in frameworks]
    for fid in {i for i in ids if ids.count(i) > 1}:
        problems.append(
            Problem(_shown(criteria), 1, 1, f"framework id '{fid}' is used by two files")
        )
    if not problems:
        problems.extend(_related_problems(frameworks, docs))
    common = None
    try:
        common = load_common(_common_file(criteria))
    except InputError as exc:
        problems.extend(exc.problems)
    safeguarding = None
    if (criteria / SAFEGUARDING_FILE).is_file():
        try:
            safeguarding = load_safeguarding(criteria / SAFEGUARDING_FILE, frameworks)
        except InputError as exc:
            problems.extend(exc.problems)
    if common is not None and not problems:
        for i, (framework, doc) in enumerate(zip(frameworks, docs, strict=True)):
            found = _inspection_problems(framework, doc, common)
            problems.extend(found)
            if not found:
                frameworks[i] = _with_inspection_areas(framework)
    external: list[ExternalFramework] = []
    if not problems:
        try:
            external = load_external(criteria / EXTERNAL_FOLDER, frameworks)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems or common is None:
        raise InputError(problems)
    frameworks.sort(key=lambda f: (f.order, f.id))
    return Rubric(
        bank=bank,
        frameworks=_crosswalk(frameworks),
        common=common,
        safeguarding=safeguarding,
        external=external,
    )


def _inspection_problems(framework: Framework, doc: YamlDocument, common: Common) -> list[Problem]:
    """Every Ofsted evaluation area a framework names is declared in common.yaml, and
    every criterion comes to at least one (its own, else its area's)."""
    known = [a.id for a in common.inspection.areas]
    problems: list[Problem] = []

    def unknown(tags: Sequence[str], where: tuple[str | int, ...]) -> None:
        for j, tag in enumerate(tags):
            if tag not in known:
                problems.append(
                    doc.problem(
                        (*where, j),
                        f"unknown Ofsted evaluation area '{tag}'{suggest(tag, known)}; "
                        f"declared in common.yaml: {', '.join(known)}",
                    )
                )

    for i, area in enumerate(framework.areas):
        unknown(area.inspection_areas, ("areas", i, "inspection_areas"))
    tagged = {a.id: a.inspection_areas for a in framework.areas}
    for i, c in enumerate(framework.criteria):
        unknown(c.inspection_areas, ("criteria", i, "inspection_areas"))
        if not c.inspection_areas and not tagged.get(c.area):
            problems.append(
                doc.problem(
                    ("criteria", i, "area"),
                    f"criterion '{c.id}' informs no Ofsted evaluation area: give its area "
                    f"'{c.area}' an 'inspection_areas' list (or the criterion its own); "
                    f"declared in common.yaml: {', '.join(known)}",
                )
            )
    return problems


def _with_inspection_areas(framework: Framework) -> Framework:
    """Each criterion's Ofsted evaluation areas resolved: its own, else its area's."""
    tagged = {a.id: a.inspection_areas for a in framework.areas}
    return framework.model_copy(
        update={
            "criteria": [
                c.model_copy(update={"inspection_areas": c.inspection_areas or tagged[c.area]})
                for c in framework.criteria
            ]
        }
    )


# The files in a criteria folder that are not frameworks: how safeguarding (online) is
# decided, and what every framework shares (the one priority scale, shared words).
SAFEGUARDING_FILE = "safeguarding.yaml"
COMMON_FILE = "common.yaml"
# Other review tools and question sets schools use, each item listing the criteria that
# serve it (criteria/external/*.yaml): not frameworks this tool scores against.
EXTERNAL_FOLDER = "external"
_NOT_FRAMEWORKS = (SAFEGUARDING_FILE, COMMON_FILE)


def _common_file(criteria: Path) -> Path:
    """The folder's own common.yaml, or the shipped one: a folder of frameworks that
    does not declare its own priority scale uses the tool's."""
    own = criteria / COMMON_FILE
    return own if own.is_file() else data_dir("criteria") / COMMON_FILE


def load_common(path: Path) -> Common:
    """The one priority scale and the shared words, each sentence's placeholders checked."""
    doc, data = _read_mapping(path, "'priorities' and 'wording'")
    problems: list[Problem] = []
    common = _validate(Common, data, doc, problems)
    if common is None:
        raise InputError(problems)
    last = common.priorities[-1].when
    if last.indicator or last.moves or last.statuses or last.min_weight:
        problems.append(
            doc.problem(
                ("priorities", len(common.priorities) - 1, "when"),
                "the last priority level must take every gap: give it an empty 'when: {}'",
            )
        )
    ids = [p.priority for p in common.priorities]
    for i, pid in enumerate(ids):
        if ids.index(pid) != i:
            problems.append(doc.problem(("priorities", i, "priority"), f"'{pid}' is used twice"))
    tags = [a.id for a in common.inspection.areas]
    for i, tag in enumerate(tags):
        if tags.index(tag) != i:
            problems.append(doc.problem(("inspection", "areas", i, "id"), f"'{tag}' is used twice"))
    for key, allowed in (
        ("met_needs", set()),
        ("partly_needs", set()),
        ("found_with", set()),
        ("applies_to", set()),
        ("answer", {"questions"}),
        ("record_evidence", {"evidence"}),
        ("self_reported", {"evidence"}),
    ):
        problems.extend(
            _placeholder_problems(getattr(common.wording, key), allowed, ("wording", key), doc)
        )
    if problems:
        raise InputError(problems)
    return common


def load_safeguarding(path: Path, frameworks: Sequence[Framework]) -> Safeguarding:
    """The safeguarding rules, every framework they name checked against the rubric."""
    doc, data = _read_mapping(path, "the safeguarding rules ('not_met_when')")
    problems: list[Problem] = []
    rules = _validate(Safeguarding, data, doc, problems)
    if rules is None:
        raise InputError(problems)
    known = sorted(f.id for f in frameworks)

    def check(fid: str, where: tuple[str | int, ...]) -> None:
        if fid not in known:
            problems.append(
                doc.problem(
                    where,
                    f"unknown framework '{fid}'{suggest(fid, known)}; known: {', '.join(known)}",
                )
            )

    for i, fid in enumerate(rules.needs_frameworks):
        check(fid, ("needs_frameworks", i))
    for key in ("not_met_when", "improve_when"):
        for i, rule in enumerate(getattr(rules, key)):
            for j, fid in enumerate(rule.select.frameworks):
                check(fid, (key, i, "select", "frameworks", j))
            problems.extend(_placeholder_problems(rule.reason, {"title"}, (key, i, "reason"), doc))
    counted = {"count", "improvements"}
    for where, text, allowed in (
        (("wording", "met"), rules.wording.met, set()),
        (("wording", "met_with"), rules.wording.met_with, counted),
        (("labels", "met_with"), rules.labels.met_with, counted),
        (("wording", "not_assessed"), rules.wording.not_assessed, {"missing"}),
        (("wording", "capped"), rules.wording.capped, {"label", "uncapped"}),
        (("wording", "not_met_beside"), rules.wording.not_met_beside, {"label"}),
    ):
        problems.extend(_placeholder_problems(text, allowed, where, doc))
    if problems:
        raise InputError(problems)
    return rules


def load_external(folder: Path, frameworks: Sequence[Framework]) -> list[ExternalFramework]:
    """The external frameworks in ``folder`` (none if it is missing), every criterion id
    they name checked against the rubric's criteria."""
    owner = {c.id: f.id for f in frameworks for c in f.criteria}
    problems: list[Problem] = []
    found: list[ExternalFramework] = []
    seen: dict[str, str] = {}
    for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        doc, data = _read_mapping(file, "an external framework: id, title, groups and items")
        external = _validate(ExternalFramework, data, doc, problems)
        if external is None:
            continue
        here = _external_problems(external, doc, owner)
        if external.id in seen:
            here.append(
                doc.problem(
                    ("id",),
                    f"external framework id '{external.id}' is also used by {seen[external.id]}",
                )
            )
        seen.setdefault(external.id, doc.name)
        problems.extend(here)
        if not here:
            found.append(external)
    if problems:
        raise InputError(problems)
    return found


def _external_problems(
    external: ExternalFramework, doc: YamlDocument, owner: Mapping[str, str]
) -> list[Problem]:
    problems = []
    groups = [g.id for g in external.groups]
    items: set[str] = set()
    for i, item in enumerate(external.items):
        at: tuple[str | int, ...] = ("items", i)
        if item.id in items:
            problems.append(doc.problem((*at, "id"), f"item id '{item.id}' is used twice"))
        items.add(item.id)
        if item.group not in groups:
            problems.append(
                doc.problem(
                    (*at, "group"),
                    f"unknown group '{item.group}'{suggest(item.group, groups)}; "
                    f"groups: {', '.join(groups)}",
                )
            )
        named: set[str] = set()
        for j, served in enumerate(item.served_by):
            where = (*at, "served_by", j)
            if served.criterion not in owner:
                problems.append(
                    doc.problem(
                        (*where, "criterion"),
                        f"unknown criterion '{served.criterion}'"
                        f"{suggest(served.criterion, sorted(owner))}",
                    )
                )
            elif served.criterion in named:
                problems.append(
                    doc.problem(
                        (*where, "criterion"), f"criterion '{served.criterion}' is listed twice"
                    )
                )
            named.add(served.criterion)
            if served.covers == "partly" and not (served.argument or "").strip():
                problems.append(
                    doc.problem(
                        (*where, "covers"),
                        "a criterion that covers an item only partly needs an 'argument' "
                        "saying what of the item it leaves out",
                    )
                )
            if served.covers == "full" and served.argument is not None:
                problems.append(
                    doc.problem(
                        (*where, "argument"),
                        "an 'argument' is for 'covers: partly'; a criterion that covers the "
                        "item in full needs none",
                    )
                )
    return problems


def _related_problems(
    frameworks: Sequence[Framework], docs: Sequence[YamlDocument]
) -> list[Problem]:
    """Every ``related`` id names a criterion of another framework."""
    owner = {c.id: f.id for f in frameworks for c in f.criteria}
    problems = []
    for framework, doc in zip(frameworks, docs, strict=True):
        for i, c in enumerate(framework.criteria):
            for j, rid in enumerate(c.related):
                if rid not in owner:
                    message = f"unknown related criterion '{rid}'{suggest(rid, sorted(owner))}"
                elif owner[rid] == framework.id:
                    message = (
                        f"related criterion '{rid}' is in this framework; "
                        "link only criteria of other frameworks"
                    )
                else:
                    continue
                problems.append(doc.problem(("criteria", i, "related", j), message))
    return problems


def _crosswalk(frameworks: Sequence[Framework]) -> list[Framework]:
    """The frameworks with each ``related`` link running both ways, in framework order."""
    links: dict[str, set[str]] = {}
    for f in frameworks:
        for c in f.criteria:
            for rid in c.related:
                links.setdefault(c.id, set()).add(rid)
                links.setdefault(rid, set()).add(c.id)
    if not links:
        return list(frameworks)
    rank = {c.id: n for n, c in enumerate(c for f in frameworks for c in f.criteria)}
    return [
        f.model_copy(
            update={
                "criteria": [
                    c.model_copy(
                        update={"related": sorted(links.get(c.id, ()), key=rank.__getitem__)}
                    )
                    for c in f.criteria
                ]
            }
        )
        for f in frameworks
    ]


# --------------------------------------------------------------------------- answers


def load_answers(path: Path, rubric: Rubric) -> Answers:
    """An answers file, every value checked against its question."""
    doc, data = _read_mapping(path, "the keys 'school' and 'answers'")
    return answers_from_document(doc, data, rubric)


def answers_from_document(doc: YamlDocument, data: dict[str, Any], rubric: Rubric) -> Answers:
    problems: list[Problem] = []
    questions = rubric.bank.questions()
    raw_answers = data.get("answers")
    if raw_answers is None:
        raw_answers = {}
    answers: dict[str, Answer] = {}
    if not isinstance(raw_answers, dict):
        problems.append(
            doc.problem(
                ("answers",),
                "'answers' should be a mapping of question ids "
                f"to answers, not {_what(raw_answers)}",
            )
        )
        raw_answers = {}
    header = _validate(Answers, {**data, "answers": {}}, doc, problems)
    review_date = header.school.review_date if header is not None else None
    retired = rubric.bank.removed()
    for qid, raw in raw_answers.items():
        answer = _one_answer(doc, str(qid), raw, questions, review_date, problems, retired)
        if answer is not None:
            answers[str(qid)] = answer
    if header is not None and header.frameworks is not None:
        known = [f.id for f in rubric.frameworks]
        for i, fid in enumerate(header.frameworks):
            if fid not in known:
                problems.append(
                    doc.problem(
                        ("frameworks", i),
                        f"unknown framework '{fid}'"
                        f"{suggest(fid, known)}; known: {', '.join(known)}",
                    )
                )
    if header is None or problems:
        raise InputError(problems)
    return header.model_copy(update={"answers": answers})


def _one_answer(
    doc: YamlDocument,
    qid: str,
    raw: Any,
    questions: Mapping[str, Question],
    review_date: date | None,
    problems: list[Problem],
    retired: set[str],
) -> Answer | None:
    at = ("answers", qid)
    question = questions.get(qid)
    if question is None and qid in retired:
        # A question an earlier bank asked: kept as given, read by nothing, and listed
        # among the answers to revisit, so that nothing the school wrote is lost.
        return _validate(
            Answer, raw if isinstance(raw, dict) else {"value": raw}, doc, problems, at
        )
    if question is None:
        # A suggestion costs a fuzzy match over the bank: only for the problems shown.
        hint = suggest(qid, questions) if len(problems) < MAX_PROBLEMS_PER_FILE else ""
        problems.append(doc.problem(at, f"unknown question id '{qid}'{hint}", key=True))
        return None
    long_form = isinstance(raw, dict)
    answer = _validate(Answer, raw if long_form else {"value": raw}, doc, problems, at)
    if answer is None or answer.value is None:
        return answer
    value, trouble = check_value(question, answer.value)
    value_at = (*at, "value") if long_form else at
    if (
        trouble is None
        and question.type == "date"
        and not isinstance(value, Absent)
        and not question.future_dates
        and review_date is not None
        and value > review_date
    ):
        trouble = (
            f"{value.isoformat()} is after the review date ({review_date.isoformat()}); "
            "give the date it last happened"
        )
    if trouble is not None:
        problems.append(doc.problem(value_at, f"{question.id}: {trouble}"))
        return None
    return answer.model_copy(update={"value": value})


# A note or piece of evidence longer than this is noted by validate and assess: reports
# show the start of it and say where the rest is (reports.context.FREE_TEXT_SHOWN).
LONG_TEXT = 2000


def long_text_notes(path: Path) -> list[Problem]:
    """Notes, each located, on evidence or notes longer than :data:`LONG_TEXT` characters."""
    doc, data = _read_mapping(path, "the keys 'school' and 'answers'")
    given = data.get("answers")
    found = []
    for qid, raw in given.items() if isinstance(given, dict) else ():
        for key in ("evidence", "notes"):
            text = raw.get(key) if isinstance(raw, dict) else None
            if isinstance(text, str) and len(text) > LONG_TEXT:
                found.append(
                    doc.problem(
                        ("answers", str(qid), key),
                        f"note: this {key.removesuffix('s')} is {len(text):,} characters; "
                        "reports show its "
                        "start and say where the rest is. Keep long documents in the "
                        "school's own files and name them here",
                    )
                )
    return found


def check_value(question: Question, value: Any) -> tuple[Any, str | None]:
    """The answer as its typed value, or a message saying what is allowed."""
    if isinstance(value, str) and value.strip().lower() in question.absent:
        return Absent(value.strip().lower()), None
    checked, trouble = _VALUE_CHECKS[question.type](question, value)
    if trouble is not None and question.absent and isinstance(value, str):
        words = ", ".join(question.absent)  # a word was given: say which words it takes
        trouble += f"; or, if there is none, one of: {words}"
    return checked, trouble


def _choice(question: Question, value: Any) -> tuple[Any, str | None]:
    allowed = question.answer_choices() or []
    if isinstance(value, bool) and question.type in ("yes_no", "yes_partly_no"):
        value = "yes" if value else "no"
    if isinstance(value, str) and value.strip().lower() in allowed:
        return value.strip().lower(), None
    if isinstance(value, str) and value.strip().lower() in question.retired_choices:
        return None, None  # an answer an earlier bank allowed: unanswered now, not refused
    return None, f"{_shown_value(value)} is not an allowed answer; use one of: {', '.join(allowed)}"


def _choices(question: Question, value: Any) -> tuple[Any, str | None]:
    items = [value] if isinstance(value, str) else value
    allowed = question.choice_ids()
    example = f"[{', '.join(allowed[:2])}]"
    if not isinstance(items, list):
        return (
            None,
            f"give a list of choices, for example {example}; allowed: {', '.join(allowed)}",
        )
    picked: list[str] = []
    for item in items:
        text = item.strip().lower() if isinstance(item, str) else item
        if text in question.retired_choices:
            continue  # an earlier bank offered it; read the answer without it
        if text not in allowed:
            return None, (
                f"{_shown_value(item)} is not one of the choices: {', '.join(allowed)}; "
                f"write several as a list, for example {example}"
            )
        if text in picked:
            return None, f"'{text}' is listed twice"
        picked.append(text)
    # Keep the rubric's order so that files and results do not depend on typing order.
    return [c for c in allowed if c in picked], None


def _number(question: Question, value: Any) -> tuple[Any, str | None]:
    is_pct = question.type == "percentage"
    kind = "a percentage from 0 to 100" if is_pct else "a number (0 or more)"
    if is_pct and isinstance(value, str) and value.strip().endswith("%"):
        with contextlib.suppress(ValueError):
            value = float(value.strip()[:-1])
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"{_shown_value(value)} is not {kind}"
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        finite = False
    if not finite:
        return None, f"{_shown_value(value)} is not {kind}; give an ordinary number"
    if value < 0 or (is_pct and value > 100):
        return None, (
            f"{_shown_value(value)} is out of range; use {'0 to 100' if is_pct else '0 or more'}"
        )
    return value, None


def _shown_value(value: Any) -> str:
    """A value as the person typed it, never in Python's notation."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        digits = str(abs(value)) if abs(value) < 10**30 else ""
        return str(value) if digits else f"a number with {len(str(abs(value))):,} digits"
    if isinstance(value, float):
        if not math.isfinite(value):  # as YAML writes it
            return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
        return repr(value).removesuffix(".0") if abs(value) < 1e16 else f"{value:g}"
    if isinstance(value, datetime):
        return f"'{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}...'"
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        listed = f"[{', '.join(str(v) for v in value)}]"
        return listed if len(listed) <= 60 else "a list"
    return _what(value)


def _date(question: Question, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()), None
        except ValueError:
            pass
    return None, f"{_shown_value(value)} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-01"


def _text(question: Question, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None, (
            f"{_shown_value(value)} was read as a number; to give it as text, put it in "
            f"quotes: '{value}'"
        )
    if not isinstance(value, str | date):
        return None, f"give text, not {_what(value)}"
    text = str(value).strip()
    return (
        (text, None) if text else (None, "the answer is blank; write some text or leave it empty")
    )


_VALUE_CHECKS = {
    "yes_partly_no": _choice,
    "yes_no": _choice,
    "single_choice": _choice,
    "multiple_choice": _choices,
    "number": _number,
    "percentage": _number,
    "date": _date,
    "text": _text,
}


def iter_answer_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the ``*.yaml`` / ``*.yml`` files inside any folder given.

    A folder with no answers files in it is a problem, not a silent success.
    """
    found: list[Path] = []
    problems = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if not inside:
                problems.append(
                    Problem(str(path), 1, 1, "no answers files (*.yaml) in this folder")
                )
            found.extend(inside)
        else:
            found.append(path)
    if problems:
        raise InputError(problems)
    return found


__all__ = ["format_path", "load_answers", "load_result", "load_rubric"]
