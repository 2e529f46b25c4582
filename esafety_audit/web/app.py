"""The pages of ``esafety-audit serve`` and what each form does.

Pages are drawn on the server from the package's jinja2 templates (autoescape, strict
undefined), so the app works with JavaScript off; ``web.js`` (the project's own, no
framework) saves each answer as it is given, through the same route a whole part's
Save button uses. Everything here calls the library: loading, ``evaluate``, the
report context and renderers, ``fill``'s editing (through :mod:`.workspace`).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..blank import blank_answers
from ..engine import evaluate
from ..errors import EsafetyError, InputError, problem_lines
from ..fill.answer import Unclear, as_words
from ..fill.change import AnswersText
from ..fill.session import SCHOOL_FIELDS, questions_for
from ..models import Answers, Question, Result
from .forms import (
    changes_from_form,
    control,
    school_changes,
    shown_from_answer,
    shown_from_form,
)
from .security import Guard, Secrets
from .workspace import SCHOOL, Loaded, Opened, Saved, Workspace, new_file_name

PHASES = ("primary", "secondary", "all-through", "middle", "special")
STATIC = {"web.css": "text/css", "web.js": "text/javascript", "report.css": "text/css"}
DOWNLOADS = {
    "report.html": (".html", "text/html; charset=utf-8"),
    "summary.html": ("-summary.html", "text/html; charset=utf-8"),
    "report.md": (".md", "text/markdown; charset=utf-8"),
    "actions.csv": ("-actions.csv", "text/csv; charset=utf-8"),
    "result.json": (".json", "application/json"),
}
TOP_PRIORITIES = 5


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("esafety_audit.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _static(name: str) -> bytes:
    if name == "report.css":
        return resources.files("esafety_audit").joinpath("templates/report.css").read_bytes()
    return resources.files("esafety_audit.web").joinpath(f"static/{name}").read_bytes()


@dataclass(frozen=True)
class Part:
    number: int
    title: str
    questions: list[Question]
    answered: int

    @property
    def unanswered(self) -> int:
        return len(self.questions) - self.answered


def create_app(workspace: Workspace, keys: Secrets) -> Guard:
    """The app for ``workspace``, behind the guard that refuses every foreign request."""
    pages = _Pages(workspace, keys)
    routes = [
        Route("/", pages.start),
        Route("/new", pages.new, methods=["POST"]),
        Route("/open", pages.open, methods=["POST"]),
        Route("/folder", pages.folder),
        Route("/folder/rollup.html", pages.rollup),
        Route("/static/{name}", pages.static),
        Route("/f/{key}", pages.review),
        Route("/f/{key}/school", pages.school, methods=["POST"]),
        Route("/f/{key}/part/{number:int}", pages.part, methods=["GET", "POST"]),
        Route("/f/{key}/save", pages.save, methods=["POST"]),
        Route("/f/{key}/results", pages.results),
        Route("/f/{key}/report", pages.report),
        Route("/report/{key}/{name}", pages.download),
    ]
    handlers = {HTTPException: pages.error, EsafetyError: pages.failed}
    app = Starlette(routes=routes, exception_handlers=handlers)
    return Guard(app, keys)


class _Pages:
    def __init__(self, workspace: Workspace, keys: Secrets) -> None:
        self.ws = workspace
        self.keys = keys

    # ------------------------------------------------------------------ helpers

    def page(self, template: str, code: int = 200, **values: Any) -> HTMLResponse:
        html = _templates().get_template(template).render(csrf=self.keys.csrf, **values)
        return HTMLResponse(html, code)

    async def form(self, request: Request) -> Any:
        form = await request.form(max_files=0, max_fields=5000)
        given = str(form.get("csrf", ""))
        if not hmac.compare_digest(given.encode(), self.keys.csrf.encode()):
            raise HTTPException(403, "This form has expired or did not come from this app.")
        return form

    def opened(self, request: Request) -> Opened:
        try:
            return self.ws.get(str(request.path_params["key"]))
        except KeyError:
            raise HTTPException(404, "No such answers file is open in this app.") from None

    def load(self, opened: Opened) -> Loaded | HTMLResponse:
        try:
            return self.ws.load(opened)
        except InputError as exc:
            return self.page(
                "problems.html.j2", 422, file=opened, problems=list(problem_lines(exc.problems))
            )
        except (OSError, UnicodeDecodeError) as exc:
            return self.page(
                "problems.html.j2",
                422,
                file=opened,
                problems=[f"{opened.shown}: cannot be read ({exc})"],
            )

    def parts(self, answers: Answers) -> list[Part]:
        given = answers.answers
        found = []
        for n, (title, questions) in enumerate(questions_for(self.ws.rubric, answers), start=1):
            done = sum(1 for q in questions if q.id in given and given[q.id].value is not None)
            found.append(Part(n, title, questions, done))
        return found

    async def error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return self.page(
            "message.html.j2", exc.status_code, title="Not possible", message=exc.detail, file=None
        )

    async def failed(self, request: Request, exc: Exception) -> Response:
        """A file that could not be written (or read): nothing half-written, and why."""
        message = f"Not saved: {exc}. The answers file is as it was before this save."
        if request.url.path.endswith("/save"):
            return JSONResponse({"conflict": None, "failed": message}, 500)
        return self.page("message.html.j2", 500, title="Not saved", message=message, file=None)

    # ------------------------------------------------------------------ start

    async def start(self, request: Request) -> Response:
        return self.start_page()

    def start_page(self, status: int = 200, **messages: Any) -> HTMLResponse:
        self.ws.folder_files()  # the folder's files, listed afresh, join those opened
        files = [(opened, self._school_of(opened)) for opened in self.ws.opened()]
        return self.page(
            "start.html.j2",
            status,
            file=None,
            files=files,
            folder=self.ws.folder,
            new_in=self.ws.new_in,
            phases=PHASES,
            today=date.today().isoformat(),
            new_error=messages.get("new_error"),
            open_error=messages.get("open_error"),
            typed=messages.get("typed", {}),
        )

    def _school_of(self, opened: Opened) -> str:
        try:
            school = self.ws.load(opened).answers.school
        except (InputError, OSError, UnicodeDecodeError):
            return "cannot be read: open it to see why"
        return f"{school.name}, review date {school.review_date}"

    async def new(self, request: Request) -> Response:
        form = await self.form(request)
        typed = {k: str(form.get(k, "")).strip() for k in ("name", "urn", "phase", "date", "by")}
        try:
            if typed["phase"] not in PHASES:
                raise EsafetyError("choose the school's phase")
            if not typed["name"]:
                raise EsafetyError("give the school's name")
            try:
                when = date.fromisoformat(typed["date"])
            except ValueError:
                raise EsafetyError(f"'{typed['date']}' is not a date; use YYYY-MM-DD") from None
            text = blank_answers(self.ws.rubric, typed["phase"], when)  # type: ignore[arg-type]
            at = AnswersText.parse(text, "new file", self.ws.rubric)
            for name, key in (("name", "name"), ("urn", "urn"), ("completed_by", "by")):
                if typed[key]:
                    at = at.with_value(name, at.check(name, typed[key], school=True), school=True)
            opened = self.ws.create(new_file_name(typed["name"], when), at.text)
        except (EsafetyError, Unclear) as exc:  # shown beside the form, nothing written
            return self.start_page(422, new_error=str(exc), typed=typed)
        return RedirectResponse(f"/f/{opened.key}", 303)

    async def open(self, request: Request) -> Response:
        form = await self.form(request)
        typed = str(form.get("path", "")).strip().strip('"')
        try:
            opened = self.ws.open(Path(typed).expanduser())
        except EsafetyError as exc:
            return self.start_page(422, open_error=str(exc), typed={"path": typed})
        return RedirectResponse(f"/f/{opened.key}", 303)

    async def static(self, request: Request) -> Response:
        name = str(request.path_params["name"])
        if name not in STATIC:
            raise HTTPException(404, "No such file.")
        return Response(_static(name), media_type=STATIC[name])

    # ------------------------------------------------------------------ one review

    async def review(self, request: Request) -> Response:
        opened = self.opened(request)
        loaded = self.load(opened)
        if isinstance(loaded, Response):
            return loaded
        return self.review_page(loaded)

    def review_page(self, loaded: Loaded, status: int = 200, **extra: Any) -> HTMLResponse:
        answers = loaded.answers
        parts = self.parts(answers)
        school = answers.school
        typed = extra.pop("typed", None) or {
            f.id: _plain(getattr(school, f.id)) for f in SCHOOL_FIELDS
        }
        return self.page(
            "review.html.j2",
            status,
            file=loaded.opened,
            version=loaded.version,
            school=school,
            school_fields=SCHOOL_FIELDS,
            typed=typed,
            errors=extra.pop("errors", {}),
            parts=parts,
            answered=sum(p.answered for p in parts),
            total=sum(len(p.questions) for p in parts),
            note=extra.pop("note", None),
            earlier=self.ws.earlier_reviews(answers),
        )

    async def school(self, request: Request) -> Response:
        opened = self.opened(request)
        form = await self.form(request)
        saved = self.ws.save(opened, str(form.get("version", "")), school_changes(form))
        typed = {f.id: str(form.get(f"school:{f.id}", "")) for f in SCHOOL_FIELDS}
        if saved.conflict:
            return self.review_page(saved.loaded, 409, typed=typed, note=_CONFLICT)
        if saved.refused:
            errors = {qid: msg for (qid, _), msg in saved.refused.items()}
            return self.review_page(saved.loaded, 422, typed=typed, errors=errors)
        return RedirectResponse(f"/f/{opened.key}#saved", 303)

    # ------------------------------------------------------------------ a part

    async def part(self, request: Request) -> Response:
        opened = self.opened(request)
        loaded = self.load(opened)
        if isinstance(loaded, Response):
            return loaded
        number = int(request.path_params["number"])
        parts = self.parts(loaded.answers)
        if not 1 <= number <= len(parts):
            raise HTTPException(404, f"There is no part {number}; this review has {len(parts)}.")
        if request.method == "GET":
            saved_now = request.query_params.get("saved") == "1"
            return self.part_page(loaded, parts, number, just_saved=saved_now)
        form = await self.form(request)
        questions = parts[number - 1].questions
        changes, unreadable = changes_from_form(questions, form)
        saved = self.ws.save(opened, str(form.get("version", "")), changes)
        if not saved.conflict and not unreadable and not saved.refused:
            return RedirectResponse(f"/f/{opened.key}/part/{number}?saved=1", 303)
        parts = self.parts(saved.loaded.answers)
        code = 409 if saved.conflict else 422
        errors = {**saved.refused, **unreadable}
        return self.part_page(saved.loaded, parts, number, code, form, errors, saved)

    def part_page(
        self,
        loaded: Loaded,
        parts: list[Part],
        number: int,
        code: int = 200,
        form: Any = None,
        errors: dict[tuple[str, str], str] | None = None,
        saved: Saved | None = None,
        just_saved: bool = False,
    ) -> HTMLResponse:
        part = parts[number - 1]
        first = sum(len(p.questions) for p in parts[: number - 1])
        given = loaded.answers.answers
        controls = []
        errors = errors or {}
        conflict = saved is not None and saved.conflict
        for i, q in enumerate(part.questions, start=1):
            answer = given.get(q.id)
            keep = (
                form is not None
                and f"q:{q.id}" in form
                and (conflict or any(qid == q.id for qid, _ in errors))
            )
            shown = shown_from_form(q, form) if keep else shown_from_answer(q, answer)
            c = control(self.ws.rubric, q, first + i, shown, _answered(answer))
            for (qid, name), message in errors.items():
                if qid == q.id:
                    c.errors[_LETTER[name]] = message
            if conflict and keep:
                c.theirs = _in_words(q, answer)
            controls.append(c)
        unanswered = [c for c in controls if not c.answered]
        return self.page(
            "part.html.j2",
            code,
            file=loaded.opened,
            version=loaded.version,
            school=loaded.answers.school,
            part=part,
            parts=parts,
            controls=controls,
            unanswered=unanswered,
            conflict=_CONFLICT if conflict else None,
            refused=bool(errors) and not conflict,
            just_saved=just_saved,
            status=self.status_line(loaded),
        )

    def status_line(self, loaded: Loaded) -> dict[str, Any]:
        result = evaluate(self.ws.rubric, loaded.answers)
        return _status(result, self.parts(loaded.answers))

    async def save(self, request: Request) -> Response:
        """One question saved by the page's script: JSON, never a page."""
        opened = self.opened(request)
        form = await self.form(request)
        try:
            loaded = self.ws.load(opened)
        except InputError as exc:
            return JSONResponse({"conflict": _problems_text(exc)}, 409)
        questions = [q for _, qs in questions_for(self.ws.rubric, loaded.answers) for q in qs]
        changes, unreadable = changes_from_form(questions, form)
        saved = self.ws.save(opened, str(form.get("version", "")), changes)
        if saved.conflict:
            theirs = {
                q.id: _in_words(q, saved.loaded.answers.answers.get(q.id))
                for q in questions
                if f"q:{q.id}" in form
            }
            return JSONResponse({"conflict": _CONFLICT, "theirs": theirs, "version": None}, 409)
        errors = {**saved.refused, **unreadable}
        body = {
            "version": saved.loaded.version,
            "saved": saved.written,
            "errors": {f"{_LETTER[name]}-{qid}": msg for (qid, name), msg in errors.items()},
            "status": self.status_line(saved.loaded),
            "answered": {
                q.id: _answered(saved.loaded.answers.answers.get(q.id))
                for q in questions
                if f"q:{q.id}" in form
            },
        }
        return JSONResponse(body, 422 if errors else 200)

    # ------------------------------------------------------------------ results

    async def results(self, request: Request) -> Response:
        opened = self.opened(request)
        loaded = self.load(opened)
        if isinstance(loaded, Response):
            return loaded
        result = evaluate(self.ws.rubric, loaded.answers)
        parts = self.parts(loaded.answers)
        where = _question_places(parts)
        by_criterion = {(c.framework, c.id): c for c in result.criteria}
        gaps = []
        for gap in result.gaps[:TOP_PRIORITIES]:
            criterion = by_criterion.get((gap.framework, gap.criterion))
            qids = gap.questions or (criterion.questions if criterion else [])
            gaps.append((gap, [where[q] for q in qids if q in where]))
        fixes = []
        if result.safeguarding is not None:
            for fix in result.safeguarding.fixes:
                criterion = by_criterion.get((fix.framework, fix.criterion))
                qids = criterion.questions if criterion else []
                fixes.append((fix, [where[q] for q in qids if q in where]))
        unanswered = [where[q] for q in result.unanswered if q in where]
        return self.page(
            "results.html.j2",
            file=opened,
            result=result,
            gaps=gaps,
            fixes=fixes,
            unanswered=unanswered,
            total_gaps=len(result.gaps),
            status=_status(result, parts),
        )

    # ------------------------------------------------------------------ the report

    async def report(self, request: Request) -> Response:
        opened = self.opened(request)
        loaded = self.load(opened)
        if isinstance(loaded, Response):
            return loaded
        earlier = self.ws.earlier_reviews(loaded.answers)
        chosen = str(request.query_params.get("previous", ""))
        previous = next((o for o, _ in earlier if o.key == chosen), None)
        return self.page(
            "report.html.j2",
            file=opened,
            school=loaded.answers.school,
            earlier=earlier,
            previous=previous,
            downloads=list(DOWNLOADS),
        )

    async def download(self, request: Request) -> Response:
        key, name = str(request.path_params["key"]), str(request.path_params["name"])
        if key == "folder":
            raise HTTPException(404, "No such report.")
        opened = self.opened(request)
        if name not in DOWNLOADS:
            raise HTTPException(404, "No such report.")
        loaded = self.load(opened)
        if isinstance(loaded, Response):
            return loaded
        from ..reports import render_reports, report_stem

        result = evaluate(self.ws.rubric, loaded.answers)
        since = None
        chosen = str(request.query_params.get("previous", ""))
        if chosen:
            earlier = {o.key: a for o, a in self.ws.earlier_reviews(loaded.answers)}
            if chosen not in earlier:
                raise HTTPException(404, "That earlier review is not one found for this school.")
            from ..compare import compare

            since = compare(evaluate(self.ws.rubric, earlier[chosen]), result)
        ending, media = DOWNLOADS[name]
        body = render_reports(result, self.ws.rubric, None, since)[ending]
        headers = {}
        if not name.endswith(".html"):
            filename = f"{report_stem(result)}{ending}"
            headers["content-disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
        else:
            headers["content-security-policy"] = _page_policy(body)
        return Response(body, media_type=media, headers=headers)

    # ------------------------------------------------------------------ a folder

    async def folder(self, request: Request) -> Response:
        if self.ws.folder is None:
            raise HTTPException(404, "No folder was given: start with esafety-audit serve FOLDER.")
        rows: list[tuple[Opened, Result | None]] = []
        for opened in self.ws.folder_files():
            try:
                loaded = self.ws.load(opened)
            except (InputError, OSError, UnicodeDecodeError):
                rows.append((opened, None))
                continue
            rows.append((opened, evaluate(self.ws.rubric, loaded.answers)))
        return self.page("folder.html.j2", file=None, folder=self.ws.folder, rows=rows)

    async def rollup(self, request: Request) -> Response:
        if self.ws.folder is None:
            raise HTTPException(404, "No folder was given: start with esafety-audit serve FOLDER.")
        from ..rollup.collect import collect
        from ..rollup.outputs import html_chunks

        paths = [o.path for o in self.ws.folder_files()]
        found = collect(paths, self.ws.job, on_problems=lambda _f, _p: None, workers=1)
        if not found.rows:
            raise HTTPException(404, "None of the answers files in the folder can be read.")
        body = "".join(html_chunks(found))
        return HTMLResponse(body, headers={"content-security-policy": _page_policy(body)})


_CONFLICT = (
    "The answers file was changed by another program or another tab since this page was "
    "opened, so your answers below were not saved. They are still in the fields; the "
    "file's own answer is shown beside each one. Reload the page to work on the file as "
    "it is now, then give your answer again."
)
_LETTER = {"value": "v", "evidence": "e", "notes": "n", "owner": "o", "due": "d", SCHOOL: "v"}


def _answered(answer: Any) -> bool:
    return answer is not None and answer.value is not None


def _in_words(question: Question, answer: Any) -> str:
    if answer is None or answer.value is None:
        return "no answer"
    return as_words(question, answer.value)


def _plain(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _question_places(parts: list[Part]) -> dict[str, tuple[int, Question]]:
    return {q.id: (p.number, q) for p in parts for q in p.questions}


def _status(result: Result, parts: list[Part]) -> dict[str, Any]:
    answered = sum(p.answered for p in parts)
    total = sum(len(p.questions) for p in parts)
    safeguarding = result.safeguarding.label if result.safeguarding else "not judged"
    return {
        "answered": answered,
        "total": total,
        "judgement": result.judgement_label or "not judged yet",
        "safeguarding": safeguarding,
        "gaps": len(result.gaps),
    }


def _problems_text(exc: InputError) -> str:
    return "The answers file now has problems: " + "; ".join(problem_lines(exc.problems))


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


_META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def _page_policy(html: str | bytes) -> str:
    """A report's own policy (from its meta element), sent as a header too."""
    text = html.decode("utf-8") if isinstance(html, bytes) else html
    found = _META_CSP.search(text)
    policy = found.group(1) if found else "default-src 'none'; style-src 'unsafe-inline'"
    return f"{policy}; frame-ancestors 'none'"
