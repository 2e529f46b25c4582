"""On this computer only: what every request must show before the app sees it.

- The Host header must name the address the app listens on (127.0.0.1 or localhost
  and its port), so that a web page whose name was pointed at 127.0.0.1 (DNS
  rebinding) cannot talk to it.
- An Origin header, when a browser sends one, must be the app's own; a cross-site
  fetch or form is refused.
- The secret made at each start must come with the request: once in the address the
  terminal prints and the browser opens (``/?token=...``), which sets it in a cookie
  (HttpOnly, SameSite=Strict) and moves on to the same page without it; then in
  that cookie.
- A request body is at most :data:`MAX_BODY` bytes.
- Every response says what the page may load (a Content-Security-Policy allowing only
  the app's own style sheet and script), that it may not be framed or cached, and that
  no address is passed on to another site (same-origin: a form posted with
  "no-referrer" would carry "Origin: null" and be refused).

Forms carry a second secret (CSRF), checked by the routes (see :mod:`.app`).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 256 * 1024  # bytes: the longest form is well under 64 KB
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The reports keep their own policy (inline style and, for the roll-up, one hashed
# script), as strict as when they are opened from a file.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Secrets:
    """What one start of the app makes: the token of its address and the forms' secret."""

    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @property
    def cookie(self) -> str:
        # One per port: two apps started side by side do not overwrite each other's.
        return f"esafety_audit_{self.port}"

    @property
    def hosts(self) -> tuple[str, ...]:
        return (f"127.0.0.1:{self.port}", f"localhost:{self.port}")

    def address(self) -> str:
        """The address to open: it carries the token once."""
        return f"http://127.0.0.1:{self.port}/?{urlencode({'token': self.token})}"


class Guard:
    """ASGI middleware refusing every request that does not come from this app's page."""

    def __init__(self, app: ASGIApp, keys: Secrets, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.keys = keys
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await self.app(scope, receive, send)
            return  # no websockets
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _plain(send, *refusal)
            return
        if scope["path"] == "/" and "token" in parse_qs(scope["query_string"].decode("latin-1")):
            await self._set_cookie(send)
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _plain(send, 413, "The form is too large to save.")
            return
        body = await self._body(receive)  # read whole, counted as it arrives
        if body is None:
            await _plain(send, 413, "The form is too large to save.")
            return
        await self.app(scope, _replay(body, receive), _with_headers(send, scope["path"]))

    async def _body(self, receive: Receive) -> bytes | None:
        """The request body, or None once it runs past the limit."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        if headers.get("host") not in self.keys.hosts:
            return 421, "This app answers only at the address it printed (127.0.0.1)."
        origin = headers.get("origin")
        if origin is not None and origin not in {f"http://{h}" for h in self.keys.hosts}:
            return 403, "Refused: the request came from another site."
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site not in (None, "same-origin", "none"):
            return 403, "Refused: the request came from another site."
        query = parse_qs(scope["query_string"].decode("latin-1"))
        given = query.get("token", [None])[0] if scope["path"] == "/" else None
        if given is None:
            cookie = SimpleCookie()
            try:
                cookie.load(headers.get("cookie", ""))
            except Exception:  # a malformed cookie header is no token
                cookie = SimpleCookie()
            morsel = cookie.get(self.keys.cookie)
            given = morsel.value if morsel is not None else None
        if given is None or not hmac.compare_digest(given.encode(), self.keys.token.encode()):
            return 403, (
                "Refused: open the address that esafety-audit serve printed in the terminal "
                "(it carries this session's key)."
            )
        return None

    async def _set_cookie(self, send: Send) -> None:
        cookie = f"{self.keys.cookie}={self.keys.token}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", b"/"),
                    (b"set-cookie", cookie.encode("latin-1")),
                    *_SECURITY_HEADERS,
                    (b"content-security-policy", CSP.encode()),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, given to the app as one message; then the real channel
    (which tells of a client that went away)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def _with_headers(send: Send, path: str) -> Send:
    policy = (REPORT_CSP if path.startswith("/report/") else CSP).encode()

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in _SECURITY_HEADERS if k not in names]
            if b"content-security-policy" not in names:
                extra.append((b"content-security-policy", policy))
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return sending


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *_SECURITY_HEADERS,
                (b"content-security-policy", b"default-src 'none'"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
