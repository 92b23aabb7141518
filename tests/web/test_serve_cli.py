"""``pos2 serve`` as a user starts it: loopback by default, the page and the API answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

POS2 = Path(sys.executable).parent / "pos2"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_binds_loopback_and_answers() -> None:
    port = _free_port()
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [str(POS2), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()  # printed once the socket listens (a condition, not a clock)
        assert f"http://127.0.0.1:{port}/" in first, first
        # the app may still be loading: the connection waits in the listen backlog (no retry loop); the
        # default page is being computed in the worker pool meanwhile (--warm), health answers anyway
        r = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=300)
        assert r.status_code == 200
        assert "deal dashboard" in httpx.get(f"http://127.0.0.1:{port}/").text
        # bound to the loopback interface only
        conns = subprocess.run(
            ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=False
        )
        if conns.returncode == 0 and conns.stdout.strip():
            assert all("127.0.0.1:" in line for line in conns.stdout.strip().splitlines()), conns.stdout
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err


def test_serve_port_0_quiet_prints_the_real_port_and_checks_the_host() -> None:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [str(POS2), "serve", "--port", "0", "--quiet", "--no-warm"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline().strip()  # printed once the socket listens
        assert line.startswith("http://127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1].strip("/"))
        assert port > 0
        with httpx.Client(timeout=120, trust_env=False) as c:
            r = c.get(f"http://127.0.0.1:{port}/api/health")
            assert r.status_code == 200
            r = c.get(f"http://127.0.0.1:{port}/api/health", headers={"Host": "rebind.example.com"})
            assert r.status_code == 400
            assert r.json()["error"] == "HostNotAllowed"
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate(timeout=10)
