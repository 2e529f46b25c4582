"""The command line: parse arguments, call the library, map errors to exit codes.

Commands stay thin, and import what only they need inside themselves, so that
starting the tool stays quick. One handler, :func:`run`, decides what a user sees when
something goes wrong: problems in their files (exit 2, no traceback), bad usage
(exit 2), or an internal error (exit 1).
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import __version__
from .engine import answers_to_revisit, evaluate
from .errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, EsafetyError, InputError, UsageError
from .io import atomic_write
from .loading import iter_answer_files, load_answers, load_result, load_rubric
from .models import Answers, Result, Rubric, SourceDocument

if TYPE_CHECKING:
    from .compare import Comparison

app = typer.Typer(
    name="esafety-audit",
    help="The annual online-safety self-review for English schools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    text = "text"
    json = "json"


class PhaseName(StrEnum):
    primary = "primary"
    secondary = "secondary"
    all_through = "all-through"
    middle = "middle"
    special = "special"


_state: dict[str, Path | None] = {"criteria": None, "questions": None}


@app.callback()
def _options(
    criteria: Annotated[
        Path | None,
        typer.Option(help="Folder of rubric YAML files to use instead of the shipped ones."),
    ] = None,
    questions: Annotated[
        Path | None,
        typer.Option(
            help="Question bank folder (bank.yaml, questions/) instead of the shipped one."
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"esafety-audit {__version__}")
        raise typer.Exit()
    _state["criteria"] = criteria.resolve() if criteria else None
    _state["questions"] = questions.resolve() if questions else None


def _rubric() -> Rubric:
    return load_rubric(_state["criteria"], _state["questions"])


def _check_frameworks(rubric: Rubric, ids: list[str]) -> None:
    known = [f.id for f in rubric.frameworks]
    for fid in ids:
        if fid not in known:
            raise UsageError(f"unknown framework '{fid}'; known: {', '.join(known)}")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@app.command()
def init(
    phase: Annotated[PhaseName, typer.Option(help="The school's phase.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The answers file to write.")],
    review_date: Annotated[
        str | None, typer.Option(help="Review date, YYYY-MM-DD (default: today).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace the file if it exists.")] = False,
) -> None:
    """Write a blank answers file with every question for PHASE, its prompt as a comment."""
    when = _parse_date(review_date, "--review-date") if review_date else date.today()
    if output.exists() and not force:
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


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Answers files (or folders of them).")],
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
        _note_bank_version(path, answers, rubric)
    if problems:
        raise InputError(problems)


@app.command()
def assess(
    files: Annotated[list[Path], typer.Argument(help="Answers files (or folders of them).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the reports.")] = Path(
        "esafety-reports"
    ),
    format: Annotated[
        Format | None,
        typer.Option("--format", help="'json' prints the result JSON of one file instead."),
    ] = None,
    framework: Annotated[
        list[str] | None, typer.Option(help="Only this framework (repeat for more).")
    ] = None,
    timestamp: Annotated[
        bool, typer.Option(help="Put the time of writing on the reports' covers.")
    ] = False,
    previous: Annotated[
        Path | None,
        typer.Option(
            help="The last review (answers file or result JSON): adds 'Since the last review'."
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
    # Check every file before writing anything, so that one bad file stops the run cleanly.
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(load_answers(path, rubric))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    for path, answers in zip(paths, loaded, strict=True):
        _note_bank_version(path, answers, rubric)
    results = [evaluate(rubric, answers, framework) for answers in loaded]
    if format is Format.json:
        typer.echo(results[0].to_json(), nl=False)
        return
    since = None
    if previous is not None:
        from .compare import compare as compare_reviews

        since = compare_reviews(_same_school(_review(previous, rubric), results[0]), results[0])
    _write_reports(results, rubric, output, datetime.now() if timestamp else None, since)


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
    results: list[Result],
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


@app.command()
def compare(
    old: Annotated[Path, typer.Argument(help="The earlier review: answers file or result JSON.")],
    new: Annotated[Path, typer.Argument(help="The later review: answers file or result JSON.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the reports.")] = Path(
        "esafety-reports"
    ),
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


@app.command()
def criteria(
    framework: Annotated[str | None, typer.Option(help="Only this framework.")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.text,
) -> None:
    """List the criteria the rubrics encode."""
    rubric = _rubric()
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


def _source_title(sources: list[SourceDocument], document: str) -> str:
    return next(s.title for s in sources if s.id == document)


@app.command()
def questions(
    format: Annotated[Format, typer.Option("--format")] = Format.text,
    phase: Annotated[PhaseName | None, typer.Option(help="Only questions for this phase.")] = None,
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


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file.")] = None,
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


@app.command()
def letter(
    parent: Annotated[str, typer.Option(help="Who the letter greets, e.g. 'Mr and Mrs Jones'.")],
    colleague: Annotated[str, typer.Option(help="The colleague who will take notes.")],
    colleague_role: Annotated[str, typer.Option(help="Their role, e.g. 'Deputy Headteacher'.")],
    sender: Annotated[str, typer.Option(help="Who signs the letter.")],
    sender_role: Annotated[str, typer.Option(help="Their role, e.g. 'Headteacher'.")],
    platform: Annotated[
        str | None, typer.Option(help="Where the comments are: facebook, twitter, youtube, ...")
    ] = None,
    platform_name: Annotated[
        str | None, typer.Option(help="Or any other site or app, in your own words.")
    ] = None,
    school: Annotated[str | None, typer.Option(help="The school's name.")] = None,
    answers: Annotated[
        Path | None, typer.Option(help="Take the school's name from this answers file.")
    ] = None,
    letter_date: Annotated[
        str | None, typer.Option("--date", help="The letter's date, YYYY-MM-DD (default: today).")
    ] = None,
    meeting_date: Annotated[
        str | None, typer.Option(help="A proposed meeting date, YYYY-MM-DD.")
    ] = None,
    meeting_time: Annotated[str | None, typer.Option(help="Its time, HH:MM (24-hour).")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the letter.")] = Path(
        "esafety-letters"
    ),
    format: Annotated[
        LetterFormat | None, typer.Option("--format", help="Print the letter instead.")
    ] = None,
) -> None:
    """Write NAHT's model letter inviting a parent to meet about comments posted online."""
    from .letter import make_letter, render_letter, write_letter  # only this command needs it

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
    for path in write_letter(details, output):
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


@app.command("rubric-diff")
def rubric_diff(
    old: Annotated[
        Path, typer.Argument(help="The old rubric folder (criteria/, questionnaires/).")
    ],
    new: Annotated[Path, typer.Argument(help="The new rubric folder.")],
    format: Annotated[Format, typer.Option("--format")] = Format.text,
) -> None:
    """List the criteria and questions added, removed or changed between two rubric folders."""
    from .rubricdiff import diff_folders, format_text  # only this command needs it

    diff = diff_folders(old, new)
    if format is Format.json:
        typer.echo(diff.to_json(), nl=False)
    else:
        typer.echo(format_text(diff, old, new), nl=False)


@app.command()
def rollup(
    files: Annotated[list[Path], typer.Argument(help="Answers files (or folders of them).")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for rollup.html, .csv and .json.")
    ] = Path("esafety-rollup"),
    format: Annotated[
        Format | None, typer.Option("--format", help="'json' prints the roll-up JSON instead.")
    ] = None,
    framework: Annotated[
        list[str] | None, typer.Option(help="Only this framework (repeat for more).")
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


@app.command()
def fill(
    file: Annotated[Path, typer.Argument(help="The answers file to fill in.")],
    only_unanswered: Annotated[
        bool,
        typer.Option("--only-unanswered", help="Ask only the questions that have no answer yet."),
    ] = False,
    start: Annotated[
        str | None,
        typer.Option(help="Start at this question, by number or id (default: first unanswered)."),
    ] = None,
    school: Annotated[
        bool, typer.Option("--school", help="First ask the school's name, URN and so on.")
    ] = False,
    phase: Annotated[
        PhaseName | None,
        typer.Option(help="If FILE does not exist, create it for this phase first, as init does."),
    ] = None,
) -> None:
    """Answer the questions in the terminal, one at a time; each answer is saved at once."""
    from .fill import Outcome, fill_answers  # only this command needs it

    rubric = _rubric()
    created = not file.exists()
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
    """Run the command line and return its exit code; the one place errors are shown."""
    try:
        app(args=argv, prog_name="esafety-audit", standalone_mode=False)
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        count = len(exc.problems)
        typer.echo(
            f"{count} problem{'s' if count != 1 else ''} found; fix them and run again.", err=True
        )
        return EXIT_BAD_INPUT
    except EsafetyError as exc:
        typer.echo(f"esafety-audit: {exc}", err=True)
        return EXIT_BAD_INPUT
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("Stopped.", err=True)
        return 130
    except typer.TyperException as exc:  # bad usage: unknown option, missing argument
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:  # pragma: no cover - every usage error has show() today
            typer.echo(f"esafety-audit: {exc.format_message()}", err=True)
        return EXIT_BAD_INPUT
    except Exception as exc:  # the last line of defence: never a bare traceback
        typer.echo(
            f"esafety-audit: internal error ({type(exc).__name__}: {exc}). This is a bug in "
            "esafety-audit, not in your files; please report it with the command you ran.",
            err=True,
        )
        return EXIT_INTERNAL
    return EXIT_OK


def main() -> None:
    sys.exit(run())
