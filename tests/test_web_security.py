"""esafety-audit serve answers only its own page on this computer: each refusal is a
request that must fail (no token, a foreign Host, a cross-site Origin, no CSRF token,
a path outside what was opened, a body too large), and the file is left as it was."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from webapp import BASE, PORT, App, examples_copy

from esafety_audit.models import Rubric

RIVERSIDE = "riverside-academy.yaml"


@pytest.fixture
def app(rubric: Rubric, tmp_path: Path) -> App:
    return App(rubric, examples_copy(tmp_path))


@pytest.fixture
def untouched(app: App) -> Iterator[None]:
    """The answers files are byte for byte the same after the test's requests."""
    before = {p: p.read_bytes() for p in app.folder.glob("*.yaml")}
    yield
    assert {p: p.read_bytes() for p in app.folder.glob("*.yaml")} == before


def _value_change(app: App) -> dict[str, str]:
    return {"q:recognised_award": "1", "v:recognised_award": "local"}


# --------------------------------------------------------------------------- the token


def test_the_printed_address_sets_a_strict_httponly_cookie_and_drops_the_token(
    app: App,
) -> None:
    answer = app.stranger().get("/", params={"token": app.keys.token})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"  # the token leaves the address bar
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"esafety_audit_{PORT}={app.keys.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert app.keys.address() == f"{BASE}/?token={app.keys.token}"


@pytest.mark.parametrize(
    "path", ["/", "/folder", "/static/web.js", "/f/anything", "/report/x/report.html"]
)
def test_a_request_without_the_token_is_refused(app: App, path: str) -> None:
    answer = app.stranger().get(path)
    assert answer.status_code == 403
    assert "open the address that esafety-audit serve printed" in answer.text


def test_a_wrong_token_is_refused_in_the_address_and_in_the_cookie(app: App) -> None:
    stranger = app.stranger()
    assert stranger.get("/", params={"token": "guess"}).status_code == 403
    stranger.cookies.set(app.keys.cookie, "guess")
    assert stranger.get("/").status_code == 403
    # The token in the address counts only on the first page, never on another.
    assert app.stranger().get("/folder", params={"token": app.keys.token}).status_code == 403


def test_a_post_without_the_token_changes_nothing(app: App, untouched: None) -> None:
    key = app.key(RIVERSIDE)
    data = {"csrf": app.keys.csrf, "version": app.version(RIVERSIDE), **_value_change(app)}
    assert app.stranger().post(f"/f/{key}/save", data=data).status_code == 403


# --------------------------------------------------------------------------- Host and Origin


@pytest.mark.parametrize(
    "host",
    ["attacker.example", f"attacker.example:{PORT}", "127.0.0.1:9999", "localhost", "[::1]"],
)
def test_a_foreign_host_header_is_refused_dns_rebinding(app: App, host: str) -> None:
    answer = app.client.get("/", headers={"host": host})
    assert answer.status_code == 421
    assert app.client.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200


@pytest.mark.parametrize(
    "origin",
    [
        "http://attacker.example",
        "null",
        f"http://127.0.0.1:{PORT + 1}",
        f"https://127.0.0.1:{PORT}",
    ],
)
def test_a_cross_site_origin_is_refused(app: App, untouched: None, origin: str) -> None:
    key = app.key(RIVERSIDE)
    data = {"csrf": app.keys.csrf, "version": app.version(RIVERSIDE), **_value_change(app)}
    answer = app.client.post(f"/f/{key}/save", data=data, headers={"origin": origin})
    assert answer.status_code == 403
    assert "another site" in answer.text


def test_a_cross_site_fetch_is_refused_by_its_fetch_metadata(app: App) -> None:
    answer = app.client.get("/", headers={"sec-fetch-site": "cross-site"})
    assert answer.status_code == 403
    assert app.client.get("/", headers={"sec-fetch-site": "same-origin"}).status_code == 200


# --------------------------------------------------------------------------- CSRF


@pytest.mark.parametrize("csrf", [None, "", "forged"])
def test_every_form_needs_the_csrf_token(app: App, untouched: None, csrf: str | None) -> None:
    key = app.key(RIVERSIDE)
    version = app.version(RIVERSIDE)
    posts = {
        f"/f/{key}/save": {"version": version, **_value_change(app)},
        f"/f/{key}/part/1": {"version": version, **_value_change(app)},
        f"/f/{key}/school": {"version": version, "school:name": "Forged"},
        "/new": {"name": "Forged", "phase": "primary", "date": "2026-11-13"},
        "/open": {"path": str(app.folder / RIVERSIDE)},
    }
    for path, data in posts.items():
        if csrf is not None:
            data["csrf"] = csrf
        answer = app.client.post(path, data=data)
        assert answer.status_code == 403, path
        assert "did not come from this app" in answer.text
    assert sorted(p.name for p in app.folder.glob("*.yaml")) == sorted(
        p.name for p in Path(app.folder).glob("*.yaml")
    )
    assert not list(app.folder.glob("forged*"))


def test_every_page_form_carries_the_csrf_token(app: App) -> None:
    key = app.key(RIVERSIDE)
    for path in ["/", f"/f/{key}", f"/f/{key}/part/1"]:
        html = app.page(path)
        forms = re.findall(r"<form[^>]*>.*?</form>", html, re.S)
        assert forms
        for form in forms:
            assert f'name="csrf" value="{app.keys.csrf}"' in form


# --------------------------------------------------------------------------- paths


def test_only_files_opened_or_in_the_folder_are_reachable(app: App, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_bytes((app.folder / RIVERSIDE).read_bytes())
    guessed = hashlib.sha256(os.fsencode(os.path.realpath(outside))).hexdigest()[:16]
    for path in [
        f"/f/{guessed}",
        f"/f/{guessed}/part/1",
        f"/report/{guessed}/report.html",
        "/f/..%2F..%2Fetc%2Fpasswd",
        "/f/../../etc/passwd",
        "/report/..%2Foutside.yaml/report.md",
        "/static/..%2Fapp.py",
        "/static/report.html.j2",
    ]:
        answer = app.client.get(path)
        assert answer.status_code == 404, path
        assert "outside" not in answer.text or "No such" in answer.text


def test_opening_a_path_checks_it(app: App, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser", "utf-8")
    for typed, said in [
        (str(secret), "is not an answers file"),
        ("/etc/passwd", "is not an answers file"),
        (str(app.folder / ".." / "nowhere.yaml"), "does not exist"),
        (str(tmp_path), "is not an answers file"),
    ]:
        answer = app.client.post("/open", data={"csrf": app.keys.csrf, "path": typed})
        assert answer.status_code == 422
        assert said in answer.text
        assert "not for the browser" not in answer.text


def test_a_new_review_is_made_inside_the_folder_whatever_its_name(app: App) -> None:
    answer = app.client.post(
        "/new",
        data={
            "csrf": app.keys.csrf,
            "name": "../../../tmp/evil",
            "phase": "primary",
            "date": "2026-11-13",
        },
    )
    assert answer.status_code == 303
    made = app.folder / "tmp-evil-2026-11-13.yaml"
    assert made.is_file()
    assert not (app.folder.parent.parent / "tmp").exists() or not list(
        (app.folder.parent.parent / "tmp").glob("evil*")
    )


# --------------------------------------------------------------------------- size and headers


def test_a_body_over_the_limit_is_refused(app: App, untouched: None) -> None:
    key = app.key(RIVERSIDE)
    big = {"csrf": app.keys.csrf, "version": app.version(RIVERSIDE), "e:x": "a" * 300_000}
    assert app.client.post(f"/f/{key}/save", data=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"a" * 10_000

    answer = app.client.post(
        f"/f/{key}/save",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413


def test_every_response_has_a_strict_policy_and_no_framing(app: App) -> None:
    key = app.key(RIVERSIDE)
    for path in ["/", f"/f/{key}/part/1", f"/f/{key}/results", "/static/web.css", "/nowhere"]:
        headers = app.client.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
    report = app.client.get(f"/report/{key}/report.html")
    assert report.status_code == 200
    policy = report.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; style-src 'unsafe-inline'")
    assert "script-src" not in policy and "frame-ancestors 'none'" in policy
    # No page has an inline script or an inline event handler.
    for path in ["/", f"/f/{key}/part/1", f"/f/{key}/results", f"/f/{key}/report"]:
        html = app.page(path)
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/web.js" defer>']
        assert not re.search(r"\son[a-z]+=", html)


def test_school_free_text_is_escaped(app: App) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    answer = app.save(RIVERSIDE, {"q:recognised_award": "1", "e:recognised_award": hostile})
    assert answer.status_code == 200, answer.text
    html = app.page(app.part(RIVERSIDE, "recognised_award"))
    assert hostile not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
