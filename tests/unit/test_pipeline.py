"""The stage pipeline: stage inputs as cache keys, what each stage reads, the one gate, run counts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from pos2 import pipeline as pl
from pos2.errors import ScenarioError
from pos2.pipeline import STAGE_READS, Pipeline, deal_input, economics_input, twin_input
from pos2.scenario import Scenario, load_scenario
from pos2.web.service import DashboardService


@pytest.fixture(scope="module")
def base() -> Scenario:
    return load_scenario("pos2")


@pytest.mark.parametrize(
    ("key", "stage"),
    [
        ("pipeline.throughput_bcm_per_year", "twin"),
        ("contract.slope", "economics"),
        ("finance.china_share", "economics"),
        ("hormuz.closure_months", "deal"),
        ("bargaining.china_power", "deal"),
        ("name", "meta"),
    ],
)
def test_stage_of_key(key: str, stage: str) -> None:
    assert pl.stage_of_key(key) == stage


# a lever per stage-owned section, and which stage inputs it must change
LEVERS = {
    "pipeline.throughput_bcm_per_year": (40.0, {"twin", "economics", "deal"}),
    "stations.dispatch": ("min_power", {"twin", "economics"}),
    "contract.slope": (0.12, {"economics", "deal"}),
    "finance.china_share": (0.5, {"economics", "deal"}),
    "valuation.supplier_cap_share": (0.3, {"deal"}),
    "hormuz.closure_months": (6.0, {"deal"}),
    "bargaining.china_power": (0.4, {"deal"}),
    "lng.price_usd_per_mmbtu": (20.0, {"deal"}),
    "contract.acq_bcm_per_year": (40.0, {"economics", "deal"}),
}


@pytest.mark.parametrize("key", sorted(LEVERS))
def test_a_lever_changes_only_the_inputs_of_the_stages_that_read_it(base: Scenario, key: str) -> None:
    value, changes = LEVERS[key]
    moved = base.with_overrides({key: value})
    assert (twin_input(moved) != twin_input(base)) == ("twin" in changes)
    assert (economics_input(moved) != economics_input(base)) == ("economics" in changes)
    assert (
        pl.scenario_digest(moved, STAGE_READS["deal"]) != pl.scenario_digest(base, STAGE_READS["deal"])
    ) == ("deal" in changes)


def test_stage_inputs_are_hashable_and_equal_by_content(base: Scenario) -> None:
    again = load_scenario("pos2")
    assert twin_input(again) == twin_input(base)
    assert hash(economics_input(again)) == hash(economics_input(base))
    assert economics_input(base, paths=10) != economics_input(base, paths=20)
    assert economics_input(base, seed=1) != economics_input(base, seed=2)


class _Recorder:
    """Stands for a model or a section and records the dotted attributes read through it."""

    def __init__(self, obj: Any, prefix: str, seen: set[str]) -> None:
        self._obj, self._prefix, self._seen = obj, prefix, seen

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._obj, name)
        key = f"{self._prefix}{name}"
        if (callable(value) and not hasattr(type(self._obj), "model_fields")) or name.startswith("model_"):
            self._seen.add(f"{self._prefix}<{name}>")
            return value
        self._seen.add(key)
        if hasattr(type(value), "model_fields") and self._prefix == "":
            return _Recorder(value, f"{key}.", self._seen)
        return value


def _covered(seen: set[str], stage_reads: tuple[str, ...]) -> set[str]:
    """The recorded reads that no entry of ``stage_reads`` covers (sections read as a whole excepted)."""
    out = set()
    for key in seen:
        top = key.split(".", 1)[0]
        if top in ("name", "description"):
            continue
        if "." not in key and any(e.startswith(top + ".") for e in stage_reads):
            continue  # the section object itself, read through for one of its declared keys
        if not any(key == e or key.startswith(e + ".") for e in stage_reads):
            out.add(key)
    return out


def test_each_stage_reads_only_what_it_declares(base: Scenario) -> None:
    pipe = Pipeline()
    twin = pipe.twin(twin_input(base)).get()
    econ = pipe.economics(economics_input(base, paths=0, with_tornado=False), twin.summary).get()
    for stage, call in (
        ("twin", lambda s: Pipeline().twin(twin_input(s)).get()),
        (
            "economics",
            lambda s: (
                Pipeline().economics(economics_input(s, paths=0, with_tornado=False), twin.summary).get()
            ),
        ),
        ("deal", lambda s: Pipeline().deal(deal_input(s, econ, twin.summary, hindcast=False)).get()),
    ):
        seen: set[str] = set()
        call(replace(base, model=_Recorder(base.model, "", seen)))  # type: ignore[arg-type]
        assert seen, stage
        # the economics' input includes the twin's (costs read the pipe and the route), so it may read both
        allowed = STAGE_READS[stage] + (STAGE_READS["twin"] if stage == "economics" else ())
        assert _covered(seen, allowed) == set(), stage
        if stage == "deal":  # of the twin's sections the deal reads only the throughput
            assert {k for k in seen if k.startswith(("route.", "gas.", "stations.", "thermal."))} == set()


def test_the_gate_names_file_field_and_value(base: Scenario) -> None:
    bad = base.with_overrides({"pipeline.throughput_bcm_per_year": 40.0, "contract.acq_bcm_per_year": 45.0})
    with pytest.raises(ScenarioError) as e:
        Pipeline().run(bad, upto="twin")
    assert e.value.field == "contract.acq_bcm_per_year"
    assert e.value.value == 45.0
    assert "--set" in str(e.value.path) or e.value.path


def test_linked_levers_are_applied_and_said(base: Scenario) -> None:
    res = Pipeline().run(
        base.with_overrides({"pipeline.throughput_bcm_per_year": 40.0}), upto="economics", paths=0
    )
    assert res.scenario.model.contract.acq_bcm_per_year == 40.0
    assert len(res.adjustments) == 1
    assert "contract.acq_bcm_per_year lowered from 50 to 40" in res.adjustments[0]
    assert res.economics.ok


def test_the_gate_runs_once_per_scenario(base: Scenario) -> None:
    pipe = Pipeline()
    for _ in range(3):
        pipe.check(base)
    assert pipe.runs["check"] == 1


def test_contract_lever_never_resolves_the_hydraulics_on_the_dashboard() -> None:
    svc = DashboardService(paths=20, seed=1)
    svc.dashboard(svc.scenario("pos2", {}))
    twins = svc.pipeline.runs["twin"]
    for key, value in (("contract.slope", 0.11), ("contract.take_or_pay", 0.6), ("finance.china_share", 0.3)):
        out = svc.dashboard(svc.scenario("pos2", {key: value}))
        assert out["deal"] is not None
    assert svc.pipeline.runs["twin"] == twins
    svc.dashboard(svc.scenario("pos2", {"pipeline.throughput_bcm_per_year": 45.0}))
    assert svc.pipeline.runs["twin"] == twins + 1


def test_hormuz_lever_reruns_only_the_deal(base: Scenario) -> None:
    pipe = Pipeline()
    pipe.run(base, paths=0, interactive=True)
    runs = dict(pipe.runs)
    pipe.run(base.with_overrides({"hormuz.closure_months": 6.0}), paths=0, interactive=True)
    assert pipe.runs["twin"] == runs["twin"]
    assert pipe.runs["economics"] == runs["economics"]
    assert pipe.runs["deal"] == runs["deal"] + 1


def test_the_deal_takes_the_economics_contract_price(base: Scenario) -> None:
    res = Pipeline().run(
        base.with_overrides({"contract.floor_usd_per_mmbtu": 9.0, "contract.price_limits": "floor_ceiling"}),
        paths=0,
        interactive=True,
    )
    assert res.deal.get().contract_price_usd_per_kcm == res.economics.get().contract_price_usd_per_kcm
