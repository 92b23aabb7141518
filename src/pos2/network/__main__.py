"""``python -m pos2.network --markdown`` prints docs/network_format.md (generated from the schema)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Print the network-format document; returns the exit code."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["--markdown"]:
        print("usage: python -m pos2.network --markdown", file=sys.stderr)
        return 2
    from pos2.network.schema import markdown

    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
