"""The command line: parse arguments, call the library, map errors to exit codes.

Commands stay thin, and import what only they need inside themselves, so that
starting the tool stays quick. One handler, :func:`run`, decides what a user sees when
something goes wrong: problems in their files (exit 2, no traceback), bad usage
(exit 2), or an internal error (exit 1).
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .engine import evaluate
from .errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, EsafetyError, InputError, UsageError
from .io import atomic_write
from .loading import iter_answer_files, load_answers, load_rubric
from .models import Answers, Result, Rubric, SourceDocument

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
) -> None:
    """Score answers files and write each school's reports into a folder."""
    rubric = _rubric()
    _check_frameworks(rubric, framework or [])
    paths = iter_answer_files(files)
    if format is Format.json and len(paths) != 1:
        raise UsageError("--format json prints one result: give exactly one answers file")
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
    _write_reports(results, rubric, output, datetime.now() if timestamp else None)


def _note_bank_version(path: Path, answers: Answers, rubric: Rubric) -> None:
    """Say so when a file was written against another version of the question bank."""
    written = answers.question_bank_version
    if written is not None and written != rubric.bank.version:
        typer.echo(
            f"{path}: note: written against question bank {written}; this tool asks version "
            f"{rubric.bank.version}, so some questions may be new or changed "
            "(esafety-audit questions lists them all)",
            err=True,
        )


def _write_reports(
    results: list[Result], rubric: Rubric, output: Path, generated_at: datetime | None
) -> None:
    from .reports import write_many  # jinja2 and markdown load only when needed

    for result, paths in write_many(results, rubric, output, generated_at):
        typer.echo(
            f"{result.school.name}: {result.judgement_label or 'not judged'} "
            f"(score {result.score}%, {result.coverage}% answered, {len(result.gaps)} gaps)"
        )
        for path in paths:
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
