"""The API under hostile or heavy use (issue 15 items 10 and 11): Host header, body size, short
validation messages, single flight of identical requests, /api/health free while the stages work.

The app runs in-process (httpx's ASGI transport), so the tests control its service and count the
stage runs; no test measures time."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import pos2.pipeline
from pos2.scenario import Scenario
from pos2.web.app import create_app
from pos2.web.guard import MAX_BODY_BYTES
from pos2.web.service import DashboardService

BASE = "http://127.0.0.1:8000"


def _client(app: Any, base: str = BASE) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base, timeout=300)


def test_a_foreign_host_header_is_refused_before_any_work() -> None:
    svc = DashboardService()

    async def go() -> list[httpx.Response]:
        async with _client(create_app(svc), "http://rebind.example.com") as c:
            return [await c.get("/api/health"), await c.post("/api/deal", json={"contract.slope": 0.1})]

    for r in asyncio.run(go()):
        assert r.status_code == 400
        assert r.json()["error"] == "HostNotAllowed"
    assert svc.pipeline.runs["deal"] == 0


@pytest.mark.parametrize("base", ["http://127.0.0.1:8123", "http://localhost", "http://[::1]:9000"])
def test_loopback_names_are_served(base: str) -> None:
    async def go() -> httpx.Response:
        async with _client(create_app(DashboardService()), base) as c:
            return await c.get("/api/health")

    assert asyncio.run(go()).status_code == 200


def test_any_host_when_the_check_is_off() -> None:
    async def go() -> httpx.Response:
        async with _client(create_app(DashboardService(), allowed_hosts=None), "http://pos2.lan") as c:
            return await c.get("/api/health")

    assert asyncio.run(go()).status_code == 200


def test_a_body_over_the_limit_is_a_413_declared_or_streamed() -> None:
    big = b"[" + b"1," * MAX_BODY_BYTES + b"1]"

    async def chunks() -> Any:
        for i in range(0, len(big), 4096):
            yield big[i : i + 4096]

    async def go() -> list[httpx.Response]:
        async with _client(create_app(DashboardService())) as c:
            declared = await c.post("/api/deal", content=big, headers={"content-type": "application/json"})
            streamed = await c.post(
                "/api/deal", content=chunks(), headers={"content-type": "application/json"}
            )
            return [declared, streamed]

    declared, streamed = asyncio.run(go())
    for r in (declared, streamed):
        assert r.status_code == 413
        assert r.json()["error"] == "BodyTooLarge"
        assert f"{MAX_BODY_BYTES:,}" in r.json()["message"]


def test_a_validation_error_does_not_echo_a_long_value() -> None:
    async def go() -> httpx.Response:
        async with _client(create_app(DashboardService())) as c:
            return await c.post("/api/deal", json={"contract.slope": "9" * 50_000})

    r = asyncio.run(go())
    assert r.status_code == 422
    message = r.json()["message"]
    assert "contract.slope" in message
    assert "50,002 characters" in message
    assert len(message) < 1_000


@pytest.fixture
def blocked_twin(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, list[int]]]:
    """The twin stage waits for ``release``; ``calls`` counts how often it was entered."""
    release = threading.Event()
    calls: list[int] = []
    real = pos2.pipeline.run_twin

    def slow_twin(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        release.wait(timeout=240)
        return real(*args, **kw)

    monkeypatch.setattr(pos2.pipeline, "run_twin", slow_twin)
    yield release, calls
    release.set()


def test_identical_concurrent_requests_run_the_stage_once_and_health_answers_meanwhile(
    blocked_twin: tuple[threading.Event, list[int]],
) -> None:
    release, calls = blocked_twin
    n = 6
    svc = DashboardService(workers=2)
    arrived = threading.Semaphore(0)
    real_offload = svc.offload

    async def counting_offload(*args: Any, **kw: Any) -> Any:
        arrived.release()
        return await real_offload(*args, **kw)

    svc.offload = counting_offload  # type: ignore[method-assign]
    body = {"pipeline.throughput_bcm_per_year": 41.5}

    async def go() -> tuple[list[httpx.Response], httpx.Response, int]:
        async with _client(create_app(svc)) as c:
            tasks = [asyncio.create_task(c.post("/api/twin", json=body)) for _ in range(n)]
            # every request has reached the service while the stage is blocked ...
            for _ in range(n):
                assert await asyncio.to_thread(arrived.acquire, True, 240)
            # ... and the cheap endpoint still answers from the event loop
            health = await c.get("/api/health")
            entered = len(calls)
            release.set()
            return list(await asyncio.gather(*tasks)), health, entered

    answers, health, entered = asyncio.run(go())
    assert health.status_code == 200
    assert entered <= 1  # the other five wait for the first request instead of computing
    assert svc.pipeline.runs["twin"] == 1
    assert len(calls) == 1
    first = answers[0].json()
    for r in answers:
        assert r.status_code == 200
        assert r.json() == first


def test_concurrent_stage_calls_run_the_stage_once(blocked_twin: tuple[threading.Event, list[int]]) -> None:
    release, calls = blocked_twin
    svc = DashboardService()
    scn = svc.scenario("pos2", {"pipeline.throughput_bcm_per_year": 43.5})
    arrived = threading.Semaphore(0)
    outcomes: list[Any] = []

    def ask() -> None:
        arrived.release()
        outcomes.append(svc.twin(scn))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for _ in threads:
        assert arrived.acquire(timeout=240)
    release.set()
    for t in threads:
        t.join(timeout=240)
    assert len(outcomes) == 4
    assert svc.pipeline.runs["twin"] == 1
    assert len(calls) == 1
    assert sum(not o.cached for o in outcomes) == 1


def test_identical_concurrent_dashboard_calls_share_one_answer(
    blocked_twin: tuple[threading.Event, list[int]],
) -> None:
    release, calls = blocked_twin
    svc = DashboardService(workers=3)
    scn = svc.scenario("pos2", {"pipeline.throughput_bcm_per_year": 42.5})
    # the base scenario's summit history (the agreement card's fast mode) is computed once per base, with
    # its own twins: computed before, so the calls below contend only for this lever state
    release.set()
    assert svc.pipeline.summit_history(svc.base(scn)).ok
    release.clear()
    calls.clear()
    twins_before = svc.pipeline.runs["twin"]
    results: list[Any] = []
    threads = [threading.Thread(target=lambda: results.append(svc.dashboard(scn))) for _ in range(3)]
    for t in threads:
        t.start()
    # the first caller is inside the twin stage; the others wait on its flight, not on the stage
    while not calls:
        threading.Event().wait(0.01)
    while len(svc._inflight) != 1:
        threading.Event().wait(0.01)
    release.set()
    for t in threads:
        t.join(timeout=240)
    assert len(results) == 3
    assert all(r is results[0] for r in results)
    assert svc.pipeline.runs["twin"] - twins_before == 1


def test_warm_computes_the_default_page_once_for_the_first_visitor(monkeypatch: pytest.MonkeyPatch) -> None:
    svc = DashboardService(workers=2)
    release = threading.Event()
    seen: list[Scenario] = []

    def fake(scn: Scenario) -> dict[str, Any]:
        seen.append(scn)
        release.wait(60)
        return {"scenario": scn.name}

    monkeypatch.setattr(svc, "_dashboard", fake)
    warming = svc.warm("pos2")
    while not seen:  # the warm-up is running in the pool
        threading.Event().wait(0.01)
    first: list[dict[str, Any]] = []
    visitor = threading.Thread(target=lambda: first.append(svc.dashboard(svc.scenario("pos2", {}))))
    visitor.start()
    release.set()
    visitor.join(timeout=60)
    # the visitor joined the warm-up's run or found its answer: one computation, the same object
    assert first[0] is warming.result(timeout=60)
    assert len(seen) == 1
    assert not dict(seen[0].overrides)  # the scenario as its file gives it, no levers


@pytest.mark.parametrize(
    ("method", "url", "content"),
    [
        ("POST", "/api/deal", b'{"contract.slope": ' + b"1" * 5000 + b"}"),
        ("POST", "/api/deal", b"[" * 5000 + b"]" * 5000),
        ("GET", "/api/deal?contract.slope=" + "1" * 5000, None),
    ],
)
def test_a_5000_digit_or_deeply_nested_body_is_a_4xx_with_a_short_message(
    method: str, url: str, content: bytes | None
) -> None:
    async def go() -> httpx.Response:
        async with _client(create_app(DashboardService())) as c:
            return await c.request(method, url, content=content, headers={"content-type": "application/json"})

    r = asyncio.run(go())
    assert 400 <= r.status_code < 500
    assert r.json()["message"]
    assert len(r.text) < 1_000
