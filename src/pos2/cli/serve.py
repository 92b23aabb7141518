"""``pos2 serve``: the local dashboard and JSON API (bound to 127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import socket

import typer

from pos2.cli import app
from pos2.cli.common import DebugOpt, QuietOpt, err_console, handle_errors
from pos2.errors import Pos2Error


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before uvicorn starts: an address that cannot be bound (port in
    use, unknown host) is refused with a clear message, and ``--port 0`` learns its real port."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as e:
        raise Pos2Error(f"--host {host}: cannot resolve this address ({e.strerror or e})") from None
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(2048)  # as uvicorn's own default backlog
    except OSError as e:
        sock.close()
        raise Pos2Error(
            f"cannot listen on {host}:{port}: {e.strerror or e} (another pos2 serve? try --port 0 "
            "for any free port)"
        ) from None
    sock.set_inheritable(True)
    return sock


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (default: loopback only)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port (0: any free port)."),
    warm: bool = typer.Option(
        True,
        "--warm/--no-warm",
        help="Compute the default scenario's page at start, so the first visitor does not wait for it.",
    ),
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Serve the dashboard (levers -> zone of agreement, NPVs, agreement probability, pressure).

    The address line (with the real port, also for ``--port 0``) is printed even with ``--quiet``.
    Bound to the loopback interface, the server answers only requests addressed to it (Host header:
    DNS rebinding protection).
    """
    from pos2.web.guard import LOOPBACK_HOSTS, is_loopback

    with handle_errors(debug):
        sock = _bind(host, port)
        real_port = int(sock.getsockname()[1])
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{real_port}/"
        err_console.print(url if quiet else f"pos2 dashboard on {url} (API: /openapi.json; Ctrl-C stops)")
        loopback = is_loopback(host)
        if not quiet and not loopback:
            err_console.print(f"[yellow]warning[/]: listening on {host}, reachable from other machines")
        allowed = (LOOPBACK_HOSTS | {host.lower()}) if loopback else None
        # the socket listens already: a client connecting while the app loads waits in the backlog
        import uvicorn

        from pos2.scenario import DEFAULT_SCENARIO
        from pos2.web.app import create_app
        from pos2.web.service import DashboardService

        service = DashboardService()
        if warm:
            service.warm(DEFAULT_SCENARIO)
        app = create_app(service, allowed_hosts=allowed)
        config = uvicorn.Config(app, log_level="warning" if quiet else "info")
        try:
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            sock.close()
