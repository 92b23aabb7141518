"""Mutating the example file gives either a valid network or a NetworkError - never another exception."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pos2.errors import NetworkError
from pos2.network import loads_network
from pos2.network.docs import example_text

TEXT = example_text()
LINES = TEXT.splitlines()
ASSIGN = [i for i, line in enumerate(LINES) if re.match(r"^[a-z_]+ = ", line)]

VALUES = st.one_of(
    st.sampled_from(["-1", "0", "nan", "inf", "-inf", "true", '"x"', '""', "1e400", "[]", "{}", '"A"']),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(index=st.sampled_from(ASSIGN), value=VALUES, rename=st.booleans())
def test_mutated_example_never_crashes(index: int, value: str, rename: bool) -> None:
    lines = list(LINES)
    key = lines[index].split(" = ", 1)[0]
    if rename:
        lines[index] = f"{key}x = {value}"
    else:
        lines[index] = f"{key} = {value}"
    message = ""
    try:
        net = loads_network("\n".join(lines), "mutated.toml")
    except NetworkError as exc:
        message = str(exc)
    else:
        assert net.summary()["junction"] == 9
    assert not message or message.startswith("mutated.toml")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(drop=st.sampled_from(ASSIGN))
def test_dropping_a_line_never_crashes(drop: int) -> None:
    lines = [line for i, line in enumerate(LINES) if i != drop]
    message = ""
    try:
        loads_network("\n".join(lines), "dropped.toml")
    except NetworkError as exc:
        message = str(exc)
    assert not message or message.startswith("dropped.toml")
