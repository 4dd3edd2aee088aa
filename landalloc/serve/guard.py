"""What every answer of the workbench carries, whatever the route: a Content-Security-Policy
that runs only the package's own script files (so a name a scenario sets can never become
script, even if a page bug let it into the markup), no framing by another site, no type
sniffing."""

from __future__ import annotations

from typing import Any

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeaders:
    """ASGI wrapper adding SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(msg):
            if msg["type"] == "http.response.start":
                names = {k.lower() for k, _ in msg.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                msg = {**msg, "headers": [*msg.get("headers", []), *extra]}
            await send(msg)

        await self.app(scope, receive, send_with_headers)


TOKEN_HEADER = "X-Landalloc-Token"
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")
#: Requests that change what the server keeps: they need the page's token.
STATEFUL_PREFIXES = ("/api/session", "/api/upload", "/api/report")


def host_name(value: str) -> str:
    """The name part of a Host header or an Origin's authority: `[::1]:8765` -> `::1`."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


def allowed_names(host: str | None = None, extra: list[str] | tuple[str, ...] = ()
                  ) -> frozenset[str]:
    """The names a request may address the server by: loopback, the --host it listens on
    (unless a wildcard) and the names the user added with --allow-host."""
    def bare(name: str) -> str:  # an IPv6 address as given on the command line: no port
        return name.strip().strip("[]").lower() if name.count(":") > 1 else host_name(name)

    names = set(LOCAL_NAMES)
    if host and host not in ("0.0.0.0", "::", ""):
        names.add(bare(host))
    names.update(bare(x) for x in extra)
    return frozenset(names)


class RequestGuard:
    """Refuse (403) before any route runs:

    - a Host header naming anything but the allowed names: a page on another site whose
      name was made to resolve to 127.0.0.1 (DNS rebinding) is then a foreign site, and
      cannot read the page, its token or any answer;
    - an Origin header of another site (or `null`): another site's page cannot post;
    - a state-changing request (sessions, uploads) without the token the page carries:
      a form or a `no-cors` fetch from another site cannot send it, whatever content type
      the framework accepts.
    """

    def __init__(self, app: Any, state: Any) -> None:
        """`state.token` and `state.names` are read at each request."""
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        import secrets

        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        host = headers.get("host")
        if host is None or host_name(host) not in self.state.names:
            return await _refuse(send, "unknown Host: open the workbench at the address "
                                       "`landalloc serve` printed")
        origin = headers.get("origin")
        if origin is not None and not self._same_site(origin):
            return await _refuse(send, "requests from another site are refused")
        if scope["method"] not in ("GET", "HEAD") and scope["path"].startswith(
                STATEFUL_PREFIXES):
            given = headers.get(TOKEN_HEADER.lower(), "")
            if not secrets.compare_digest(given.encode(), self.state.token.encode()):
                return await _refuse(send, "missing or wrong workbench token: reload the page")
        return await self.app(scope, receive, send)

    def _same_site(self, origin: str) -> bool:
        scheme, sep, rest = origin.partition("://")
        return bool(sep) and scheme in ("http", "https") and host_name(rest) in self.state.names


async def _refuse(send, message: str) -> None:
    import json

    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps({"error": message}).encode()})


class PathScrub:
    """Answers name no file of the server: in every JSON, HTML and text answer each
    (server path, public name) pair of `pairs()` is replaced — bundled files by their name
    under the instances (`zhengzhou/scenarios/….yaml`), uploads by the name the page shows,
    a temporary file by its own name."""

    TYPES = (b"application/json", b"text/html", b"text/plain", b"application/x-yaml")

    def __init__(self, app: Any, pairs: Any) -> None:
        self.app, self.pairs = app, pairs

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start: dict | None = None
        chunks: list[bytes] = []

        async def scrub(msg):
            nonlocal start
            if msg["type"] == "http.response.start":
                ctype = dict(msg.get("headers", [])).get(b"content-type", b"")
                if ctype.startswith(self.TYPES):
                    start = msg
                    return
                return await send(msg)
            if start is None or msg["type"] != "http.response.body":
                return await send(msg)
            chunks.append(msg.get("body", b""))
            if msg.get("more_body", False):
                return
            body = b"".join(chunks)
            for server, public in self.pairs():
                body = body.replace(server.encode(), public.encode())
            headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, scrub)
