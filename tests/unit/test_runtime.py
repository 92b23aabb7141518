"""The application's process settings (pos2.runtime): set by the command line, a user's value kept."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = (
    "import pos2.cli, numpy, os\n"
    "from numpy._core.multiarray import _get_madvise_hugepage\n"
    "print(os.environ['NUMPY_MADVISE_HUGEPAGE'], _get_madvise_hugepage())\n"
)


def _probe(env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if env_value is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = env_value
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="numpy's huge-page advice is Linux only")
def test_the_command_line_turns_numpys_huge_page_advice_off_unless_the_user_chose() -> None:
    assert _probe(None) == "0 False"
    assert _probe("1") == "1 True"  # the user's choice wins
