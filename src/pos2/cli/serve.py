"""``pos2 serve``: the local dashboard and JSON API (bound to 127.0.0.1 unless told otherwise)."""

from __future__ import annotations

import typer

from pos2.cli import app
from pos2.cli.common import DebugOpt, QuietOpt, err_console, handle_errors


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
        if not quiet:
            shown = f"[{host}]" if ":" in host else host
            err_console.print(f"pos2 dashboard on http://{shown}:{port}/ (API: /openapi.json; Ctrl-C stops)")
            if host not in ("127.0.0.1", "localhost", "::1"):
                err_console.print(f"[yellow]warning[/]: listening on {host}, reachable from other machines")
        uvicorn.run(create_app(), host=host, port=port, log_level="warning" if quiet else "info")
