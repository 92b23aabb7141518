"""Find the line of a dotted key in a TOML text, for error messages that name file and line.

tomllib does not keep positions; this scanner follows table headers (``[a.b]``,
``[[a.b]]``) and ``key = value`` lines, which is enough for the files pos2 writes and ships.
"""

from __future__ import annotations

import re

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
