"""``pos2 serve``: the local dashboard and JSON API (bound to 127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import socket

import typer

from pos2.cli import app
from pos2.cli.common import DebugOpt, QuietOpt, err_console, handle_errors
from pos2.errors import Pos2Error


def _check_bind(host: str, port: int) -> None:
    """Refuse, before uvicorn starts, an address that cannot be bound (port in use, unknown host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as e:
        raise Pos2Error(f"--host {host}: cannot resolve this address ({e.strerror or e})") from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            raise Pos2Error(
                f"cannot listen on {host}:{port}: {e.strerror or e} (another pos2 serve? try --port 0 "
                "for any free port)"
            ) from None


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (default: loopback only)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port (0: any free port)."),
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Serve the dashboard (levers -> zone of agreement, NPVs, agreement probability, pressure)."""
    import uvicorn

    from pos2.web.app import create_app

    with handle_errors(debug):
        _check_bind(host, port)
        if not quiet:
            shown = f"[{host}]" if ":" in host else host
            err_console.print(f"pos2 dashboard on http://{shown}:{port}/ (API: /openapi.json; Ctrl-C stops)")
            if host not in ("127.0.0.1", "localhost", "::1"):
                err_console.print(f"[yellow]warning[/]: listening on {host}, reachable from other machines")
        uvicorn.run(create_app(), host=host, port=port, log_level="warning" if quiet else "info")
