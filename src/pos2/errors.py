"""The project's exceptions: one documented hierarchy.

::

    Pos2Error                      base of everything pos2 raises on purpose
     ├── ScenarioError             bad scenario file / --set value (path, line, field, value)
     │    └── UnknownKeyError      a key that the schema does not know (with the nearest suggestion)
     ├── GasError                  invalid composition or property request outside the model's range
     ├── NetworkError              invalid topology or component data (element, field, value)
     ├── ConvergenceError          a solver did not converge (iterations, residual attached)
     ├── InfeasibleError           a set point or design cannot be met (binding constraint attached)
     ├── EconomicsError            inconsistent contract, price or finance inputs
     ├── BargainingError           invalid bargaining inputs (beta outside [0, 1], a round without source)
     └── OutputError               refusing to overwrite a user's file, unwritable output folder

The CLI catches only :class:`Pos2Error`, prints ``Name: message`` and exits non-zero;
``--debug`` shows the traceback.
"""

from __future__ import annotations

from typing import Any

MAX_ECHO_CHARS = 120
"""Longest repr of a user's value repeated in a message [characters]; longer input is cut, so a
megabyte pasted into a field is not echoed back."""


def shorten(value: Any, limit: int = MAX_ECHO_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters with the length of what was left out.

    >>> shorten("x" * 1000, 10)
    "'xxxxxxxx... (1,002 characters)"
    """
    try:
        text = repr(value)
    except ValueError:  # an int too long for Python to print
        return f"<{type(value).__name__} too long to print>"
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}... ({len(text):,} characters)"


class Pos2Error(Exception):
    """Base class of every error pos2 raises on purpose."""

    exit_code: int = 1


class ScenarioError(Pos2Error):
    """A scenario file or an override is invalid.

    Parameters
    ----------
    message
        What is wrong, in words a user understands.
    path
        File the value came from, if any.
    line
        1-based line in that file, if known.
    field
        Dotted key of the offending field, e.g. ``contract.slope``.
    value
        The offending value as written.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        value: Any = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.value = value
        where = []
        if path:
            where.append(f"{path}" + (f":{line}" if line else ""))
        if field:
            where.append(f"field '{field}'")
        if value is not None:
            where.append(f"value {shorten(value)}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class UnknownKeyError(ScenarioError):
    """A key the schema does not know; ``suggestion`` holds the nearest known key."""

    def __init__(self, key: str, suggestion: str | None, *, path: str | None = None, line: int | None = None):
        self.suggestion = suggestion
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        super().__init__(f"unknown key{hint}", path=path, line=line, field=key)


class GasError(Pos2Error):
    """Invalid gas composition or a property request outside the model's validity range."""


class NetworkError(Pos2Error):
    """Invalid network topology or component data.

    ``element`` names the component, ``field`` and ``value`` the offending attribute.
    """

    def __init__(
        self, message: str, *, element: str | None = None, field: str | None = None, value: Any = None
    ) -> None:
        self.element = element
        self.field = field
        self.value = value
        parts = []
        if element:
            parts.append(f"'{element}'")
        if field:
            parts.append(f"field '{field}'")
        if value is not None:
            parts.append(f"value {value!r}")
        prefix = ", ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class ConvergenceError(Pos2Error):
    """A solver failed to converge; ``iterations`` and ``residual`` tell how far it got."""

    def __init__(self, message: str, *, iterations: int, residual: float) -> None:
        self.iterations = iterations
        self.residual = residual
        super().__init__(f"{message} (after {iterations} iterations, residual {residual:.3e})")


class InfeasibleError(Pos2Error):
    """A set point or design cannot be met; ``element`` and ``constraint`` name what binds."""

    def __init__(
        self, message: str, *, element: str | None = None, constraint: str | None = None, value: Any = None
    ) -> None:
        self.element = element
        self.constraint = constraint
        self.value = value
        super().__init__(message)


class EconomicsError(Pos2Error):
    """Inconsistent contract, price, cost or finance inputs."""


class BargainingError(Pos2Error):
    """Invalid bargaining or supply-model inputs."""


class OutputError(Pos2Error):
    """An output cannot be written (would overwrite a user's file without --force, or not writable)."""
