"""The command line: parse arguments, call the library, map errors to exit codes.

Commands stay thin, and import what only they need inside themselves, so that
starting the tool stays quick. One handler, :func:`run`, decides what a user sees when
something goes wrong: problems in their files (exit 2, no traceback), bad usage
(exit 2), or an internal error (exit 1).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand

from . import __version__
from .coverage import VERDICT_WORDS, coverage_markdown, item_rows
from .engine import answers_to_revisit, evaluate
from .errors import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EsafetyError,
    InputError,
    Problem,
    UsageError,
    problem_lines,
)
from .io import WRITTEN, atomic_write
from .loading import iter_answer_files, load_answers, load_result, load_rubric
from .models import Answers, Result, Rubric, SourceDocument
from .rules import suggest
from .traceability import traceability as traceability_table

if TYPE_CHECKING:
    from .compare import Comparison

app = typer.Typer(
    name="esafety-audit",
    help="The annual online-safety self-review for English schools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: no '<bool>' or '<list[Path]>' labels, and it wraps between words.
    rich_markup_mode=None,
    context_settings={"max_content_width": 100},
)


class _Command(TyperCommand):
    """A command whose help names its arguments plainly: ``FILE...``, not ``{files}...``
    with ``<list[Path]>`` after it."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return ["[OPTIONS]", *(_argument_name(p) for p in self._arguments(ctx))]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments = [(_argument_name(p), p.help or "") for p in self._arguments(ctx)]
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        options = [
            record
            for p in self.get_params(ctx)
            if not isinstance(p, TyperArgument) and (record := p.get_help_record(ctx))
        ]
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)

    def _arguments(self, ctx: Any) -> list[Any]:
        return [p for p in self.get_params(ctx) if isinstance(p, TyperArgument)]


def _argument_name(param: Any) -> str:
    return str(param.metavar or (param.name or "").upper())


class Format(StrEnum):
    text = "text"
    json = "json"


class PhaseName(StrEnum):
    primary = "primary"
    secondary = "secondary"
    all_through = "all-through"
    middle = "middle"
    special = "special"


_PHASES = ", ".join(p.value for p in PhaseName)
_state: dict[str, Path | None] = {"criteria": None, "questions": None}


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"esafety-audit {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    criteria: Annotated[
        Path | None,
        typer.Option(
            metavar="FOLDER",
            help="Folder of rubric YAML files to use instead of the shipped ones.",
        ),
    ] = None,
    questions: Annotated[
        Path | None,
        typer.Option(
            metavar="FOLDER",
            help="Question bank folder (bank.yaml, questions/) instead of the shipped one.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version and exit.",
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
) -> None:
    _state["criteria"] = _absolute(criteria) if criteria else None
    _state["questions"] = _absolute(questions) if questions else None


def _absolute(path: Path) -> Path:
    """``path`` made absolute; a symbolic link loop is left for loading to report."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _rubric() -> Rubric:
    return load_rubric(_state["criteria"], _state["questions"])


def _check_frameworks(rubric: Rubric, ids: list[str]) -> None:
    known = [f.id for f in rubric.frameworks]
    for fid in ids:
        if fid not in known:
            raise UsageError(f"unknown framework '{fid}'; known: {', '.join(known)}")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@app.command(cls=_Command)
def init(
    phase: Annotated[
        PhaseName,
        typer.Option(metavar="PHASE", help=f"The school's phase: {_PHASES}.", show_choices=False),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FILE", help="The answers file to write.")
    ],
    review_date: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Review date, YYYY-MM-DD (default: today)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write a blank answers file with every question for PHASE, its prompt as a comment."""
    when = _parse_date(review_date, "--review-date") if review_date else date.today()
    if os.path.lexists(output) and not force:  # a dangling or looping link counts too
        raise UsageError(
            f"{output} already exists; choose another name or add --force to replace it"
        )
    from .blank import blank_answers  # imported here: the reports need none of it

    atomic_write(output, blank_answers(_rubric(), phase.value, when))
    typer.echo(f"Wrote {output}. Answer the questions, then run: esafety-audit validate {output}")


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date; use YYYY-MM-DD") from None


@app.command(cls=_Command)
def validate(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Answers files (or folders of them).")
    ],
) -> None:
    """Check the rubrics, the question bank and each answers file; list every problem."""
    rubric = _rubric()
    problems = []
    for path in iter_answer_files(files):
        try:
            answers = load_answers(path, rubric)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        answered = sum(a.value is not None for a in answers.answers.values())
        typer.echo(f"{path}: valid ({answered} answers, school: {answers.school.name})")
        _note_school(path, answers)
        _note_bank_version(path, answers, rubric)
    if problems:
        raise InputError(problems)


@app.command(cls=_Command)
def assess(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Answers files (or folders of them).")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FOLDER", help="Folder for the reports.")
    ] = Path("esafety-reports"),
    format: Annotated[
        Format | None,
        typer.Option("--format", help="'json' prints the result JSON of one file instead."),
    ] = None,
    framework: Annotated[
        list[str] | None,
        typer.Option(metavar="ID", help="Only this framework (repeat for more)."),
    ] = None,
    timestamp: Annotated[
        bool, typer.Option("--timestamp", help="Put the time of writing on the reports' covers.")
    ] = False,
    previous: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="The last review (answers file or result JSON): adds 'Since the last review'.",
        ),
    ] = None,
) -> None:
    """Score answers files and write each school's reports into a folder."""
    rubric = _rubric()
    _check_frameworks(rubric, framework or [])
    paths = iter_answer_files(files)
    if format is Format.json and len(paths) != 1:
        raise UsageError("--format json prints one result: give exactly one answers file")
    if previous is not None and len(paths) != 1:
        raise UsageError("--previous compares one school: give exactly one answers file")
    if previous is not None and format is Format.json:
        raise UsageError(
            "--previous adds 'Since the last review' to the reports, not to the result JSON; "
            f"for the comparison as JSON run: esafety-audit compare {previous} FILE --format json"
        )
    # Check every file before writing anything, so that one bad file stops the run
    # cleanly; keep only each file's report name, so memory stays flat in the schools.
    problems: list[Problem] = []
    stems: dict[str, Path] = {}
    answers: Answers | None = None
    for path in paths:
        try:
            answers = load_answers(path, rubric)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        _note_school(path, answers)
        _note_bank_version(path, answers, rubric)
        if format is not Format.json:
            from .reports import stem_for

            stem = stem_for(answers.school.name, answers.school.review_date)
            if stem in stems:
                raise UsageError(
                    f"{stems[stem]} and {path} would both write {output / stem}.* (the same "
                    "school name and review date); assess them into different folders"
                )
            stems[stem] = path
    if problems:
        raise InputError(problems)
    if format is Format.json:
        assert answers is not None
        typer.echo(evaluate(rubric, answers, framework).to_json(), nl=False)
        return
    since = None
    if previous is not None:
        from .compare import compare as compare_reviews

        assert answers is not None
        result = evaluate(rubric, answers, framework)
        since = compare_reviews(_same_school(_review(previous, rubric), result), result)
    # One school at a time: loaded again, scored, its reports written, then dropped.
    only = answers if len(paths) == 1 else None
    results = (evaluate(rubric, only or load_answers(path, rubric), framework) for path in paths)
    _write_reports(results, rubric, output, datetime.now() if timestamp else None, since)


def _note_school(path: Path, answers: Answers) -> None:
    """Notes on the school's details: placeholders left from init, a date in the future;
    and on free text so long that reports show only its start."""
    from .blank import placeholders
    from .loading import long_text_notes

    for note in long_text_notes(path):
        typer.echo(str(note), err=True)

    school = answers.school
    for field, value in placeholders(answers):
        typer.echo(
            f"{path}: note: school.{field} is still {value!r}, as init wrote it; give the "
            f"school's own (esafety-audit fill {path} --school asks for it)",
            err=True,
        )
    today = date.today()
    if school.review_date > today:
        typer.echo(
            f"{path}: note: the review date {school.review_date} is in the future (today is "
            f"{today}); answers are judged against it, so check school.review_date",
            err=True,
        )


def _note_bank_version(path: Path, answers: Answers, rubric: Rubric) -> None:
    """List the answers to revisit when a file was written against another question bank."""
    found = answers_to_revisit(rubric, answers)
    if found is None:
        return
    lines = [
        f"{path}: note: written against question bank {found.written_against}; this tool asks "
        f"version {found.current}."
    ]
    if not found.known:
        lines.append(
            f"  Version {found.written_against} is not in the question bank's history, so "
            "check every answer (esafety-audit questions lists them all)."
        )
    questions = rubric.bank.questions()
    for ids, one, many in (
        (found.added, "new question applies", "new questions apply"),
        (found.changed, "answered question has changed", "answered questions have changed"),
        (
            found.removed,
            "answer is to a question no longer asked",
            "answers are to questions no longer asked",
        ),
    ):
        if ids:
            said = one if len(ids) == 1 else many
            lines.append(f"  Answers to revisit: {len(ids)} {said}:")
            lines.extend(
                f"    {qid}: {questions[qid].label}" if qid in questions else f"    {qid} (ignored)"
                for qid in ids
            )
    if found.added:
        lines.append(f"  To answer the new ones: esafety-audit fill {path} --only-unanswered")
    typer.echo("\n".join(lines), err=True)


def _write_reports(
    results: Iterable[Result],
    rubric: Rubric,
    output: Path,
    generated_at: datetime | None,
    previous: Comparison | None = None,
) -> None:
    from .reports import write_many  # jinja2 and markdown load only when needed

    for result, paths in write_many(results, rubric, output, generated_at, previous):
        typer.echo(
            f"{result.school.name}: {result.judgement_label or 'not judged'} "
            f"(score {result.score}%, {result.coverage}% answered, {len(result.gaps)} gaps)"
        )
        for path in paths:
            typer.echo(f"  wrote {path}")


def _review(path: Path, rubric: Rubric) -> Result:
    """A review to compare: a result JSON as it was scored, or an answers file scored now."""
    if path.suffix.lower() == ".json":
        return load_result(path)
    answers = load_answers(path, rubric)
    _note_bank_version(path, answers, rubric)
    return evaluate(rubric, answers)


def _same_school(before: Result, after: Result) -> Result:
    """``before``, once it is sure to be an earlier review of the same school."""
    old, new = before.school, after.school
    if old.urn and new.urn and old.urn != new.urn:
        raise UsageError(
            f"these are reviews of two schools (URN {old.urn}, {old.name}; URN {new.urn}, "
            f"{new.name}); compare two reviews of one school, or use rollup for many schools"
        )
    if old.review_date > new.review_date:
        raise UsageError(
            f"the earlier review must come first: {old.review_date} is after "
            f"{new.review_date}; swap the two files"
        )
    return before


@app.command(cls=_Command)
def compare(
    old: Annotated[
        Path,
        typer.Argument(metavar="OLD", help="The earlier review: answers file or result JSON."),
    ],
    new: Annotated[
        Path, typer.Argument(metavar="NEW", help="The later review: answers file or result JSON.")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FOLDER", help="Folder for the reports.")
    ] = Path("esafety-reports"),
    format: Annotated[
        Format | None,
        typer.Option("--format", help="'json' prints the comparison JSON instead."),
    ] = None,
) -> None:
    """What changed between two reviews of one school: criteria, areas, judgement, actions."""
    from .compare import compare as compare_reviews

    rubric = _rubric()
    after = _review(new, rubric)
    comparison = compare_reviews(_same_school(_review(old, rubric), after), after)
    if format is Format.json:
        typer.echo(comparison.to_json(), nl=False)
        return
    from .io import write_all
    from .reports import comparison_files

    files = comparison_files(comparison, rubric, output)
    write_all(files)
    n = comparison.counts
    typer.echo(
        f"{comparison.school}: {n['improved']} improved, {n['regressed']} worse, "
        f"{n['unchanged']} unchanged, {n['new']} new, {n['removed']} no longer assessed; "
        f"{len(comparison.closed)} actions closed, {len(comparison.overdue)} overdue"
    )
    if comparison.rubric is not None:
        typer.echo(
            "  note: the two reviews used different frameworks or rubric versions; "
            f"{comparison.rubric.common_share:g}% of criteria are in both"
        )
    for path in files:
        typer.echo(f"  wrote {path}")


@app.command(cls=_Command)
def criteria(
    framework: Annotated[
        str | None, typer.Option(metavar="ID", help="Only this framework.")
    ] = None,
    format: Annotated[
        Format, typer.Option("--format", help="text (a list) or json (every field).")
    ] = Format.text,
    traceability: Annotated[
        bool,
        typer.Option(
            "--traceability",
            help="Print the traceability table (Markdown): each bullet of the NAHT advice "
            "and the criteria that answer it, and the criteria citing other sources.",
        ),
    ] = False,
    maps_to: Annotated[
        str | None,
        typer.Option(
            "--maps-to",
            metavar="ID",
            help="List the items of another review tool (e.g. 360-degree-safe) with the "
            "criteria covering each and the verdict.",
        ),
    ] = None,
) -> None:
    """List the criteria the rubrics encode."""
    rubric = _rubric()
    if traceability:
        typer.echo(traceability_table(rubric, _state["criteria"]), nl=False)
        return
    if maps_to is not None:
        _maps_to(rubric, maps_to, format)
        return
    chosen = rubric.frameworks
    if framework is not None:
        _check_frameworks(rubric, [framework])
        chosen = [rubric.framework(framework)]
    rows = [
        {
            "id": c.id,
            "framework": f.id,
            "area": c.area,
            "kind": c.kind,
            "title": c.title,
            "statement": c.statement,
            "source": {
                **c.source.model_dump(),
                "title": _source_title(f.sources, c.source.document),
            },
            "weight": c.weight,
            "questions": c.rule.questions(),
            "rule": {k: v.to_data() for k, v in c.rule if v is not None},
            "action": c.action,
            "resources": [{"id": r, **f.resources[r].model_dump()} for r in c.resources],
            "currency": c.currency,
            "related": c.related,
            "inspection_areas": c.inspection_areas,
            "serves": [
                {"framework": ext.id, "item": item.id, "covers": covers}
                for ext, item, covers in rubric.serves(c.id)
            ],
        }
        for f in chosen
        for c in f.criteria
    ]
    if format is Format.json:
        _print_json(rows)
        return
    for f in chosen:
        typer.echo(f"{f.title} ({f.id} {f.version}): {len(f.criteria)} criteria")
        for c in f.criteria:
            typer.echo(f"  {c.id:<58} {c.kind:<21} {c.title}")
            if c.related:  # the crosswalk: the same evidence serves these criteria too
                typer.echo(f"      related: {', '.join(c.related)}")
            serves = rubric.serves(c.id)
            if serves:  # the external cross-reference, read from the criterion's side
                shown = ", ".join(
                    f"{ext.id}:{item.id}" + (" (partly)" if covers == "partly" else "")
                    for ext, item, covers in serves
                )
                typer.echo(f"      serves: {shown}")


def _maps_to(rubric: Rubric, external_id: str, format: Format) -> None:
    known = [f.id for f in rubric.external]
    if external_id not in known:
        raise UsageError(
            f"unknown review tool '{external_id}'{suggest(external_id, known)}; "
            f"known: {', '.join(known) or 'none'}"
        )
    external = rubric.external_framework(external_id)
    rows = item_rows(rubric, external)
    if format is Format.json:
        _print_json(
            {
                "id": external.id,
                "title": external.title,
                "publisher": external.publisher,
                "edition": external.edition,
                "url": external.url,
                "counts": external.counts(),
                "items": [dataclasses.asdict(row) for row in rows],
            }
        )
        return
    counts = external.counts()
    typer.echo(
        f"{external.title} ({external.id}, {external.edition}): {len(rows)} items, "
        f"{counts['covered']} covered, {counts['partly']} partly, "
        f"{counts['not_covered']} not covered"
    )
    for row in rows:
        mark = " (reconstructed)" if row.reconstructed else ""
        typer.echo(f"  {row.id:<34} {VERDICT_WORDS[row.verdict]:<12} {row.title}{mark}")
        for served in row.served_by:
            part = " (partly)" if served.covers == "partly" else ""
            typer.echo(f"      {served.criterion}{part}")


@app.command(cls=_Command)
def coverage(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write the table to this file (else print it)."
        ),
    ] = None,
) -> None:
    """The coverage table of other review tools (360 degree safe, the LGfL audit, the
    UKCIS governors' questions) by this tool's criteria, as Markdown (docs/coverage.md)."""
    text = coverage_markdown(_rubric())
    if output is None:
        typer.echo(text, nl=False)
        return
    atomic_write(_absolute(output), text)
    typer.echo(f"wrote {output}")


def _source_title(sources: list[SourceDocument], document: str) -> str:
    return next(s.title for s in sources if s.id == document)


@app.command(cls=_Command)
def questions(
    format: Annotated[
        Format, typer.Option("--format", help="text (a list) or json (every field).")
    ] = Format.text,
    phase: Annotated[
        PhaseName | None,
        typer.Option(
            metavar="PHASE", help=f"Only questions for this phase: {_PHASES}.", show_choices=False
        ),
    ] = None,
) -> None:
    """List the questions of the question bank."""
    rubric = _rubric()
    found = list(rubric.bank.questions().values())
    if phase is not None:
        stages = frozenset(rubric.bank.phases.get(phase.value, []))
        found = [q for q in found if q.applies_to.matches(phase.value, stages)]
    if format is Format.json:
        _print_json(
            [
                {
                    "id": q.id,
                    "section": q.section,
                    "type": q.type,
                    "label": q.label,
                    "prompt": q.prompt,
                    "help": q.help,
                    "choices": q.answer_choices(),
                    "applies_to": q.applies_to.model_dump(),
                }
                for q in found
            ]
        )
        return
    for q in found:
        typer.echo(f"{q.id:<44} {q.type:<16} {q.label}")


@app.command(cls=_Command)
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write to a file.")
    ] = None,
) -> None:
    """Print the JSON Schema of an answers file, for editors that check YAML as you type."""
    from .schema import answers_schema  # builds a model per question: only when asked

    text = json.dumps(answers_schema(_rubric()), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        atomic_write(output, text)
        typer.echo(f"Wrote {output}")


class LetterFormat(StrEnum):
    md = "md"
    html = "html"


@app.command(cls=_Command)
def letter(
    parent: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Who the letter greets, e.g. 'Mr and Mrs Jones'."),
    ] = None,
    colleague: Annotated[
        str | None, typer.Option(metavar="TEXT", help="The colleague who will take notes.")
    ] = None,
    colleague_role: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Their role, e.g. 'Deputy Headteacher'.")
    ] = None,
    sender: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Who signs the letter.")
    ] = None,
    sender_role: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Their role, e.g. 'Headteacher'.")
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option(metavar="ID", help="Where the comments are: facebook, twitter, youtube, ..."),
    ] = None,
    platform_name: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="Or any other site or app, in your own words."),
    ] = None,
    school: Annotated[str | None, typer.Option(metavar="TEXT", help="The school's name.")] = None,
    answers: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Take the school's name from this answers file."),
    ] = None,
    letter_date: Annotated[
        str | None,
        typer.Option(
            "--date", metavar="DATE", help="The letter's date, YYYY-MM-DD (default: today)."
        ),
    ] = None,
    meeting_date: Annotated[
        str | None, typer.Option(metavar="DATE", help="A proposed meeting date, YYYY-MM-DD.")
    ] = None,
    meeting_time: Annotated[
        str | None, typer.Option(metavar="HH:MM", help="Its time, HH:MM (24-hour).")
    ] = None,
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FOLDER", help="Folder for the letter.")
    ] = Path("esafety-letters"),
    format: Annotated[
        LetterFormat | None,
        typer.Option("--format", help="Print the letter as md or html instead of writing it."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a letter of the same name if there is one.")
    ] = False,
) -> None:
    """Write NAHT's model letter inviting a parent to meet about comments posted online."""
    from .letter import make_letter, render_letter, write_letter  # only this command needs it

    # Every option the letter needs, reported together rather than one run at a time.
    missing = [
        name
        for name, value in (
            ("--parent", parent),
            ("--colleague", colleague),
            ("--colleague-role", colleague_role),
            ("--sender", sender),
            ("--sender-role", sender_role),
        )
        if value is None
    ]
    if platform is None and platform_name is None:
        missing.append("--platform (or --platform-name)")
    if school is None and answers is None:
        missing.append("--school (or --answers)")
    if missing:
        said = ", ".join(f"'{m}'" for m in missing)
        raise UsageError(
            f"Missing option{'s' if len(missing) != 1 else ''} {said}; the letter needs "
            f"{'each of them' if len(missing) != 1 else 'it'} (esafety-audit letter --help "
            "explains them)"
        )
    assert parent and colleague and colleague_role and sender and sender_role is not None
    details = make_letter(
        rubric=_rubric,
        parent=parent,
        colleague=colleague,
        colleague_role=colleague_role,
        sender=sender,
        sender_role=sender_role,
        platform=platform,
        platform_name=platform_name,
        school=school,
        answers=answers,
        letter_date=_parse_date(letter_date, "--date") if letter_date else date.today(),
        meeting_date=_parse_date(meeting_date, "--meeting-date") if meeting_date else None,
        meeting_time=_parse_time(meeting_time, "--meeting-time") if meeting_time else None,
    )
    if format is not None:
        typer.echo(render_letter(details)[f".{format.value}"], nl=False)
        return
    for path in write_letter(details, output, force=force):
        typer.echo(f"wrote {path}")
    resource = details.platform.resource
    if resource is not None:
        where = f", {resource.url}" if resource.url else ""
        typer.echo(f"If the comments stay up, the reporting route is: {resource.title}{where}")


def _parse_time(text: str, option: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a time; use HH:MM, e.g. 15:30") from None


@app.command("rubric-diff", cls=_Command)
def rubric_diff(
    old: Annotated[
        Path,
        typer.Argument(metavar="OLD", help="The old rubric folder (criteria/, questionnaires/)."),
    ],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The new rubric folder.")],
    format: Annotated[
        Format, typer.Option("--format", help="text (for people) or json (for programs).")
    ] = Format.text,
) -> None:
    """List the criteria and questions added, removed or changed between two rubric folders."""
    from .rubricdiff import diff_folders, format_text  # only this command needs it

    diff = diff_folders(old, new)
    if format is Format.json:
        typer.echo(diff.to_json(), nl=False)
    else:
        typer.echo(format_text(diff, old, new), nl=False)


@app.command(cls=_Command)
def rollup(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="Answers files (or folders of them).")
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", metavar="FOLDER", help="Folder for rollup.html, .csv and .json."
        ),
    ] = Path("esafety-rollup"),
    format: Annotated[
        Format | None, typer.Option("--format", help="'json' prints the roll-up JSON instead.")
    ] = None,
    framework: Annotated[
        list[str] | None,
        typer.Option(metavar="ID", help="Only this framework (repeat for more)."),
    ] = None,
) -> None:
    """Many schools side by side: judgements, area ratings and the most common gaps.

    A file with problems is listed and skipped; the others are still rolled up (exit 2).
    """
    from .rollup import Job, roll_up  # scoring many files needs none of it otherwise

    _check_frameworks(_rubric(), framework or [])
    job = Job(_state["criteria"], _state["questions"], tuple(framework) if framework else None)
    paths = iter_answer_files(files)
    roll_up(paths, job, output, as_json=format is Format.json, out=sys.stdout, err=sys.stderr)


@app.command(cls=_Command)
def fill(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The answers file to fill in.")],
    only_unanswered: Annotated[
        bool,
        typer.Option("--only-unanswered", help="Ask only the questions that have no answer yet."),
    ] = False,
    start: Annotated[
        str | None,
        typer.Option(
            metavar="QUESTION",
            help="Start at this question, by number or id (default: first unanswered).",
        ),
    ] = None,
    school: Annotated[
        bool, typer.Option("--school", help="First ask the school's name, URN and so on.")
    ] = False,
    phase: Annotated[
        PhaseName | None,
        typer.Option(
            metavar="PHASE",
            help=f"If FILE does not exist, create it for this phase first, as init does: "
            f"{_PHASES}.",
            show_choices=False,
        ),
    ] = None,
) -> None:
    """Answer the questions in the terminal, one at a time; each answer is saved at once."""
    from .fill import Outcome, fill_answers  # only this command needs it

    rubric = _rubric()
    created = not os.path.lexists(file)  # a link to nowhere is reported, not replaced
    if created:
        if phase is None:
            raise UsageError(
                f"{file} does not exist; create it with: esafety-audit init --phase PHASE "
                f"-o {file}  (or add --phase PHASE to this command)"
            )
        from .blank import blank_answers

        atomic_write(file, blank_answers(rubric, phase.value, date.today()))
        typer.echo(f"Created {file} for a {phase.value} school, review date {date.today()}.")
    summary = fill_answers(
        file,
        rubric,
        only_unanswered=only_unanswered,
        start=start,
        school_details=school or created,
        phase=phase.value if phase else None,
    )
    if summary.outcome is Outcome.interrupted:
        raise typer.Abort()  # exit code 130, as for Ctrl-C anywhere


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code; the one place errors are shown.

    Ctrl-C and SIGTERM stop a run cleanly (no temporary file is left behind) with one
    line saying what was written and what was not: exit code 130 (143 for SIGTERM).
    """
    start = len(WRITTEN)
    with _terminate_as_interrupt() as stopped_by:
        code = _run(argv)
    if code == EXIT_INTERRUPTED:
        with contextlib.suppress(OSError):
            typer.echo(_interrupted(WRITTEN[start:]), err=True)
        if stopped_by:
            return EXIT_TERMINATED
    return code


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[list[int]]:
    """SIGTERM handled as Ctrl-C is, for the length of a run; yields the signals seen."""
    seen: list[int] = []
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield seen
        return

    def stop(signum: int, _frame: object) -> None:
        seen.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield seen
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupted(written: list[Path]) -> str:
    """The line an interrupted run ends with: what it wrote, and that nothing else was."""
    files = list(dict.fromkeys(written))
    if not files:
        return "Stopped. Nothing was written."
    folders = list(dict.fromkeys(str(p.parent) for p in files))
    where = ", ".join(folders[:3]) + (f" and {len(folders) - 3} more" if len(folders) > 3 else "")
    count = f"{len(files):,} file{'s' if len(files) != 1 else ''}"
    last = f"the last {files[-1]}" if len(files) > 1 else str(files[0])
    return f"Stopped. Wrote {count} in {where} ({last}), each one whole; nothing else was written."


def _run(argv: list[str] | None) -> int:
    try:
        code = app(args=argv, prog_name="esafety-audit", standalone_mode=False)
    except InputError as exc:
        for line in problem_lines(exc.problems):
            typer.echo(line, err=True)
        count = len(exc.problems)
        typer.echo(
            f"{count:,} problem{'s' if count != 1 else ''} found; fix them and run again.",
            err=True,
        )
        return EXIT_BAD_INPUT
    except EsafetyError as exc:
        typer.echo(f"esafety-audit: {exc}", err=True)
        return EXIT_BAD_INPUT
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    except typer.TyperException as exc:  # bad usage: unknown option, missing argument
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:  # pragma: no cover - every usage error has show() today
            typer.echo(f"esafety-audit: {exc.format_message()}", err=True)
        return EXIT_BAD_INPUT
    except SystemExit as exc:  # typer exits so when the reader of stdout has gone (| head)
        if _broken_pipe(exc):
            return EXIT_BROKEN_PIPE
        raise
    except Exception as exc:  # the last line of defence: never a bare traceback
        if _broken_pipe(exc):
            return EXIT_BROKEN_PIPE
        typer.echo(
            f"esafety-audit: internal error ({type(exc).__name__}: {exc}). This is a bug in "
            "esafety-audit, not in your files; please report it with the command you ran.",
            err=True,
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK


def _broken_pipe(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
            return True
        exc = exc.__context__
    return False


def main() -> None:
    for stream in (sys.stdout, sys.stderr):
        # A console that cannot show a character (cp1252 and a Chinese school name)
        # shows a replacement instead of failing after the reports were written.
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="replace")
    code = run()
    if code == EXIT_BROKEN_PIPE:
        # Python would complain when flushing a closed pipe at exit: point it elsewhere.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)
