"""uvicorn as the workbench runs it: a connection must send its whole request (headers and
body) within REQUEST_SECONDS of opening or of its last answer, an idle keep-alive connection
closes after KEEP_ALIVE_SECONDS, and at most MAX_CONNECTIONS are served at once — so idle or
slow sockets cannot hold every file descriptor."""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_SECONDS = 30.0
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = 200


class TimedH11(H11Protocol):
    """uvicorn's h11 protocol with a request timeout, which uvicorn itself does not have (a
    socket that opens and never finishes its headers would stay open for ever)."""

    request_seconds = REQUEST_SECONDS
    _request_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._request_timer = self.loop.call_later(self.request_seconds, self.request_timeout)

    def _disarm(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def request_timeout(self) -> None:
        """Close the connection if its request is still not all in."""
        self._request_timer = None
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and \
                not self.transport.is_closing():
            self.transport.close()


def serve(app: Any, host: str, port: int) -> None:
    """Run the app until Ctrl-C."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", http=TimedH11,
                timeout_keep_alive=KEEP_ALIVE_SECONDS, limit_concurrency=MAX_CONNECTIONS,
                timeout_graceful_shutdown=2)
