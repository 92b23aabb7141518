"""Request guards of the dashboard server: the Host header and the size of a request body.

- **Host header (DNS rebinding).** A page on another site can make a browser send requests to
  127.0.0.1 under the other site's name by re-pointing that name's DNS record. A server bound to the
  loopback interface answers only requests whose ``Host`` names the loopback interface
  (``127.0.0.1``, ``localhost``, ``[::1]``, any port); others get 400 before any work. A server bound
  to another interface (``pos2 serve --host 0.0.0.0``) is reached under names pos2 cannot know and
  does not check the header.
- **Body size.** Lever requests are a few hundred bytes; a body over :data:`MAX_BODY_BYTES` gets
  413 before it is read into memory or parsed (a declared ``Content-Length`` is refused at once, a
  chunked body as soon as it grows past the limit).

Written as a plain ASGI middleware, so it runs before FastAPI parses or validates anything.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

MAX_BODY_BYTES = 64 * 1024
"""Largest request body accepted [bytes] (a full lever request is under 1 KiB)."""

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""Host names that reach a server bound to the loopback interface."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def host_name(header: str) -> str:
    """The name in a ``Host`` header without its port (``[::1]:8000`` -> ``::1``).

    >>> host_name("127.0.0.1:8000"), host_name("[::1]:80"), host_name("LocalHost")
    ('127.0.0.1', '::1', 'localhost')
    """
    h = header.strip().lower()
    if h.startswith("["):
        return h[1 : h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def is_loopback(host: str) -> bool:
    """Whether a bind address is the loopback interface (``127.x.x.x``, ``::1``, ``localhost``)."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


async def _answer(send: Send, status: int, error: str, message: str) -> None:
    body = json.dumps({"error": error, "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware: refuse a foreign ``Host`` and an oversized body before the app sees them.

    Parameters
    ----------
    app
        The ASGI app to guard [-]
    allowed_hosts
        Host names accepted in the ``Host`` header; ``None`` accepts any [-]
    max_body_bytes
        Largest request body [bytes]
    """

    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: Iterable[str] | None = LOOPBACK_HOSTS,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.allowed = None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        if self.allowed is not None:
            name = host_name(headers.get(b"host", b"").decode("latin-1"))
            if name not in self.allowed:
                await _answer(
                    send,
                    400,
                    "HostNotAllowed",
                    "this server answers only requests addressed to "
                    f"{', '.join(sorted(self.allowed))} (Host header refused: DNS rebinding protection)",
                )
                return
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _answer(send, 400, "BadRequest", "Content-Length is not a number")
                return
            if size > self.max_body:
                await _answer(send, 413, "BodyTooLarge", self._too_large(size))
                return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS") and declared is None:
            await self.app(scope, receive, send)
            return
        # read the body here (small by the limit), counting as it comes, then hand it on whole
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body:
                await _answer(send, 413, "BodyTooLarge", self._too_large(None))
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self, size: int | None) -> str:
        got = f" ({size:,} bytes)" if size is not None else ""
        return f"request body too large{got}: at most {self.max_body:,} bytes"


__all__ = ["LOOPBACK_HOSTS", "MAX_BODY_BYTES", "RequestGuard", "host_name", "is_loopback"]
