"""Find the line of a dotted key in a TOML text, for error messages that name file and line.

tomllib does not keep positions; this scanner follows table headers (``[a.b]``,
``[[a.b]]``) and ``key = value`` lines, which is enough for the files pos2 writes and ships.
:func:`read_toml` reads a TOML file (scenario, sweep spec) with errors that name file and line.
"""

from __future__ import annotations

import copy
import functools
import re
import tomllib
from pathlib import Path
from typing import Any

from pos2.errors import ScenarioError

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"]+(?:\s*\.\s*[A-Za-z0-9_\-\"]+)*)\s*=")


def key_lines(text: str) -> dict[str, int]:
    """Map every dotted key (arrays of tables indexed ``a.b[2].c``) to its 1-based line."""
    out: dict[str, int] = {}
    prefix = ""
    counters: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(raw)
        if m:
            name = m.group(2).replace('"', "").replace(" ", "")
            if m.group(1) == "[[":
                idx = counters.get(name, -1) + 1
                counters[name] = idx
                prefix = f"{name}[{idx}]"
            else:
                prefix = name
            out.setdefault(prefix, n)
            continue
        k = _KEY.match(raw)
        if k:
            key = k.group(1).replace('"', "").replace(" ", "")
            full = f"{prefix}.{key}" if prefix else key
            out.setdefault(full, n)
    return out


def find_line(lines: dict[str, int], key: str) -> int | None:
    """Line of ``key`` or of its nearest enclosing table; ``None`` if unknown."""
    probe = key
    while probe:
        if probe in lines:
            return lines[probe]
        if "." not in probe and "[" not in probe:
            break
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut]
    return None


def read_toml(path: Path, label: str, what: str, not_found: str | None = None) -> tuple[dict[str, Any], str]:
    """Read and parse a TOML file; every failure is a :class:`~pos2.errors.ScenarioError` naming it.

    Parameters
    ----------
    path
        File to read [-].
    label
        How messages name the file [-].
    what
        What the file is, for messages (``"scenario file"``, ``"sweep spec"``) [-].
    not_found
        Message for a missing file; ``None`` reports it like any other read error [-].

    Returns
    -------
    tuple
        The parsed table and the file's text (for :func:`key_lines`) [-].
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ScenarioError(not_found or f"cannot read {what}: {e.strerror}", path=label) from None
    except OSError as e:
        raise ScenarioError(f"cannot read {what}: {e.strerror}", path=label) from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{what} is not UTF-8 text", path=label) from None
    try:
        data = _parse_kept(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"at line (\d+)", str(e))
        raise ScenarioError(f"not valid TOML: {e}", path=label, line=int(m.group(1)) if m else None) from None
    return data, text


KEPT_TEXT_CHARS = 1_000_000
"""Texts up to this size keep their parse (:func:`_parse_kept`) [characters]."""


def _parse_kept(text: str) -> dict[str, Any]:
    """:func:`parse_toml` with the parse of a text seen before kept: the embedded scenario is read on
    every dashboard update. Each caller gets its own deep copy (callers edit the tables they read);
    a text that fails to parse is parsed, and fails, again."""
    if len(text) > KEPT_TEXT_CHARS:
        return parse_toml(text)
    return copy.deepcopy(_parse_cached(text))


@functools.lru_cache(maxsize=64)
def _parse_cached(text: str) -> dict[str, Any]:
    return parse_toml(text)


MAX_TOML_DEPTH = 32
"""Deepest nesting of tables and arrays accepted in a TOML text [-] (pos2's own files use at most 5);
deeper input would exhaust Python's recursion limit in the parser or in the checks after it."""


def _depth(obj: Any) -> int:
    """Nesting depth of dicts and lists, without recursion (input may be hostile)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(obj, 0)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_TOML_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((v, d + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, d + 1) for v in node)
    return deepest


def parse_toml(text: str) -> dict[str, Any]:
    """:func:`tomllib.loads` whose every failure is a :class:`tomllib.TOMLDecodeError`: nesting deeper
    than :data:`MAX_TOML_DEPTH` (Python's ``RecursionError``) and integers too long for Python to read
    (``ValueError``, more than 4,300 digits) included.

    Parameters
    ----------
    text
        A TOML document [-]
    """
    # brackets and braces opened before any is closed bound the depth from above: refuse a text that
    # could not be parsed without deep recursion before handing it to the (recursive) parser
    level = peak = 0
    for ch in text:
        if ch in "[{":
            level += 1
            peak = max(peak, level)
            if peak > 4 * MAX_TOML_DEPTH:
                break
        elif ch in "]}":
            level = max(0, level - 1)
    if peak > 4 * MAX_TOML_DEPTH:
        raise tomllib.TOMLDecodeError(f"nested deeper than {MAX_TOML_DEPTH} levels of tables and arrays")
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError(
            f"nested deeper than {MAX_TOML_DEPTH} levels of tables and arrays"
        ) from None
    except ValueError as e:
        if isinstance(e, tomllib.TOMLDecodeError):
            raise
        raise tomllib.TOMLDecodeError(f"a number too long to read ({str(e).split(';')[0]})") from None
    if _depth(data) > MAX_TOML_DEPTH:
        raise tomllib.TOMLDecodeError(f"nested deeper than {MAX_TOML_DEPTH} levels of tables and arrays")
    return data
