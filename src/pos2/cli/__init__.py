"""The ``pos2`` command line: a thin layer over the Python API.

Each command lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

from pos2.runtime import apply_app_environment

apply_app_environment()  # before anything imports numpy (pos2.runtime says why)

import typer  # noqa: E402

app = typer.Typer(
    name="pos2",
    help="pos2 — open digital twin of the Power of Siberia 2 gas pipeline and of the deal around it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """pos2 — open digital twin of the Power of Siberia 2 gas pipeline and of the deal around it."""


def _register() -> None:
    # Imported for their side effect of adding commands to `app`.
    from pos2.cli import sources  # noqa: F401

    for mod in ("twin", "transient", "economics", "deal", "report", "serve", "sweep", "solve"):
        try:
            __import__(f"pos2.cli.{mod}")
        except ModuleNotFoundError as e:
            if e.name != f"pos2.cli.{mod}":
                raise


_register()


def main() -> None:
    """Console entry point."""
    app()
