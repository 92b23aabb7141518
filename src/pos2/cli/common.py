"""Options and helpers shared by every ``pos2`` command, so they behave the same everywhere.

Exit codes (documented in the README):

====  ==========================================================
0     success
1     a pos2 error (solver did not converge, infeasible design...)
2     bad input: scenario file, ``--set`` value, command-line usage
3     refused to overwrite an existing file (use ``--force``)
130   interrupted (Ctrl-C)
====  ==========================================================
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from pos2.errors import OutputError, Pos2Error, ScenarioError
from pos2.scenario import DEFAULT_SCENARIO
from pos2.tables import Format as Format  # the table writer lives in a base module so report can share it
from pos2.tables import check_format
from pos2.tables import guard_write as guard_write
from pos2.tables import write_table as write_table

if TYPE_CHECKING:  # imported where used: `pos2 --help` loads no stage (issue 15 item 12)
    from pos2.pipeline import PipelineResult
    from pos2.scenario import Scenario

err_console = Console(stderr=True)
out_console = Console()


ScenarioOpt = Annotated[
    str, typer.Option("--scenario", "-s", help="Embedded scenario name (pos2, pos1) or path to a TOML file.")
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help="Override a scenario value: key=value (repeatable). See `pos2 sources --keys`."
    ),
]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Folder for tables and figures.")]
FormatOpt = Annotated[Format, typer.Option("--format", help="Table format for --out.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object on stdout.")]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print nothing but errors and warnings (and --json).")
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INPUT = 2
EXIT_EXISTS = 3
EXIT_INTERRUPTED = 130


@contextmanager
def handle_errors(debug: bool) -> Iterator[None]:
    """Turn pos2 errors into ``Name: message`` on stderr and a non-zero exit code."""
    try:
        yield
    except Pos2Error as e:
        if debug:
            traceback.print_exc()
        # one line however narrow the terminal, and the message is not read as rich markup
        # (a TOML table such as "[network]" in it must survive)
        err_console.print(
            f"[bold red]{type(e).__name__}[/]: {escape(str(e))}", highlight=False, markup=True, soft_wrap=True
        )
        code = EXIT_EXISTS if isinstance(e, OutputError) else getattr(e, "exit_code", EXIT_ERROR)
        raise typer.Exit(code) from None
    except (PermissionError, IsADirectoryError, NotADirectoryError) as e:
        # a file the command writes cannot be written (a read-only folder, a path through a file)
        if debug:
            traceback.print_exc()
        where = e.filename if e.filename is not None else "an output file"
        err_console.print(
            f"[bold red]OutputError[/]: cannot write {escape(str(where))}: {escape(e.strerror or str(e))}",
            highlight=False,
            markup=True,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_EXISTS) from None
    except KeyboardInterrupt:
        err_console.print("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def get_scenario(scenario: str = DEFAULT_SCENARIO, sets: list[str] | None = None) -> Scenario:
    """Load the scenario with the command-line overrides."""
    from pos2.scenario import load_scenario

    return load_scenario(scenario, sets or [])


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout through the one result encoder (:func:`pos2.jsonable.clean_json`)."""
    from pos2.jsonable import clean_json

    sys.stdout.write(json.dumps(clean_json(obj), indent=2, allow_nan=False) + "\n")
    sys.stdout.flush()


def run_stages(scenario: Scenario, upto: str, **kwargs: Any) -> PipelineResult:
    """Run the pipeline up to ``upto`` for a command; say what linked levers changed (stderr).

    Raises the project error of the first stage that failed, so the command exits with its code.
    ``kwargs`` go to :meth:`pos2.pipeline.Pipeline.run`.
    """
    from pos2.pipeline import STAGES, default_pipeline

    res = default_pipeline().run(scenario, upto=upto, **kwargs)
    for note in res.adjustments:
        err_console.print(f"note: {escape(note)}")
    for outcome in res.outcomes()[: STAGES.index(upto) + 1]:
        outcome.get()  # re-raises the stage's error
    return res


def prepare_out(out: Path) -> Path:
    """Create the output folder (refusing a path that is an existing file or a folder it cannot write)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"--out {out}: cannot write into this folder (permission denied)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {out}: {e.strerror}") from None
    return out


def check_writable(out: Path) -> None:
    """Refuse at once an ``--out`` folder that cannot be written (a read-only or virtual file system, a
    path through a file, no permission), by writing a probe there before any work starts: the nearest
    existing folder on the path gets an empty temporary folder, removed again at once.

    Parameters
    ----------
    out
        The ``--out`` folder (it need not exist yet) [-]

    Raises
    ------
    OutputError
        Naming the folder and the system's reason.
    """
    import tempfile

    probe_in = out
    while not probe_in.exists() and probe_in != probe_in.parent:
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        raise OutputError(f"--out {out}: {probe_in} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".pos2-probe-", dir=probe_in))
    except OSError as e:
        where = "" if probe_in == out else f" ({probe_in} cannot be written)"
        raise OutputError(f"--out {out}: cannot write here{where}: {e.strerror or e}") from None


def check_out(out: Path | None, force: bool, fmt: Format, *patterns: str) -> None:
    """Refuse ``--out`` before any work starts (exit code 3), as ``pos2 report`` does.

    Parameters
    ----------
    out
        The ``--out`` folder, or None when the command writes no files.
    force
        ``--force``: existing files may be overwritten.
    fmt
        ``--format`` of the tables (parquet is refused at once when pyarrow is missing).
    *patterns
        Glob patterns of the files the command writes into ``out`` (e.g. ``"twin_*.csv"``).

    Raises
    ------
    OutputError
        ``out`` is a file, parquet without pyarrow, or a file the command would write exists.
    """
    if out is None:
        return
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"--out {out}: cannot write into this folder (permission denied)")
    check_format(fmt)
    check_writable(out)
    if force or not out.is_dir():
        return
    existing = sorted({p for pattern in patterns for p in out.glob(pattern) if p.is_file()})
    if existing:
        raise OutputError(
            f"{existing[0]} exists ({len(existing)} file(s) this command writes are in {out}); "
            "pass --force to overwrite them"
        )


def command(fn: Callable[..., None]) -> Callable[..., None]:
    """Identity decorator marker for pos2 commands (kept for readability)."""
    return fn


def check_scheduler(address: str | None, keywords: tuple[str, ...] = (), timeout_s: float = 5.0) -> None:
    """Refuse a ``--scheduler`` that is not one of ``keywords`` or a reachable ``[tcp://]host:port``
    (before any work).

    Raises
    ------
    ScenarioError
        Malformed address (exit code 2).
    Pos2Error
        Nothing answers at the address within ``timeout_s`` (exit code 1).
    """
    if address is None or address in keywords:
        return
    m = re.fullmatch(r"(?:tcp://)?\[?([A-Za-z0-9_.:-]+?)\]?:(\d{1,5})", address.strip())
    if m is None or not 0 < int(m.group(2)) < 65536:
        raise ScenarioError(
            f"expected {' or '.join([*keywords, 'the address of a running Dask scheduler'])}, "
            "e.g. tcp://127.0.0.1:8786",
            field="--scheduler",
            value=address,
        )
    try:
        with socket.create_connection((m.group(1), int(m.group(2))), timeout=timeout_s):
            pass
    except OSError as e:
        raise Pos2Error(
            f"--scheduler {address}: no Dask scheduler answers there ({e.strerror or e}); start one with "
            "`dask scheduler`, or leave --scheduler out to run locally"
        ) from None
