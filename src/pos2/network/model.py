"""Frozen component records and the validated :class:`Network` they form.

The records mirror the schema tables of :mod:`pos2.network.schema` field by field (a unit test
checks it). A :class:`Network` is only made by :meth:`pos2.network.NetworkBuilder.build` or
:func:`pos2.network.load_network`, which validate the data and the topology.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas loads in Network.table only (issue 15 item 12: `pos2 solve` start-up)
    import pandas as pd

__all__ = [
    "Compressor",
    "FlowSource",
    "Junction",
    "Network",
    "Pipe",
    "PressureSource",
    "Regulator",
    "Sink",
    "Valve",
]


@dataclass(frozen=True)
class Junction:
    """A node; ``elevation_m`` is the height above the datum [m]."""

    name: str
    elevation_m: float = 0.0


@dataclass(frozen=True)
class Pipe:
    """A pipe between two junctions (lengths and diameters in m; ``u_w_per_m2k`` in W/(m2 K))."""

    name: str
    from_junction: str
    to_junction: str
    length_m: float
    inner_diameter_m: float
    roughness_m: float
    loss_coefficient: float = 0.0
    u_w_per_m2k: float = 0.0
    ground_temperature_k: float | None = None
    friction_factor: float | None = None


@dataclass(frozen=True)
class PressureSource:
    """Fixed absolute pressure ``p_pa`` [Pa] at a junction, supplying gas at ``t_k`` [K]."""

    name: str
    junction: str
    p_pa: float
    t_k: float | None = None


@dataclass(frozen=True)
class FlowSource:
    """Fixed injection ``flow_kg_per_s`` [kg/s] at a junction, gas at ``t_k`` [K]."""

    name: str
    junction: str
    flow_kg_per_s: float
    t_k: float | None = None


@dataclass(frozen=True)
class Sink:
    """Fixed offtake ``flow_kg_per_s`` [kg/s] (positive = out of the network)."""

    name: str
    junction: str
    flow_kg_per_s: float


@dataclass(frozen=True)
class Compressor:
    """A compressor station with exactly one set point (see :data:`pos2.network.schema.COMPRESSOR`)."""

    name: str
    from_junction: str
    to_junction: str
    outlet_pressure_pa: float | None = None
    ratio: float | None = None
    flow_kg_per_s: float | None = None
    max_power_w: float = float("inf")
    max_ratio: float = float("inf")
    max_discharge_pa: float = float("inf")
    efficiency: float = 0.84
    efficiency_kind: str = "isentropic"
    driver_efficiency: float = 0.36
    fuel: bool = True
    fuel_lhv_j_per_kg: float | None = None
    aftercooler_outlet_k: float | None = None

    @property
    def set_point(self) -> str:
        """Which set point is given: ``"outlet_pressure"``, ``"ratio"`` or ``"flow"``."""
        if self.outlet_pressure_pa is not None:
            return "outlet_pressure"
        if self.ratio is not None:
            return "ratio"
        return "flow"


@dataclass(frozen=True)
class Regulator:
    """A pressure regulator holding its outlet at ``outlet_pressure_pa`` [Pa]."""

    name: str
    from_junction: str
    to_junction: str
    outlet_pressure_pa: float


@dataclass(frozen=True)
class Valve:
    """A valve; open with an optional loss coefficient on bore ``diameter_m`` [m], or closed."""

    name: str
    from_junction: str
    to_junction: str
    open: bool = True
    diameter_m: float | None = None
    loss_coefficient: float = 0.0
    pressure_drop_pa: float = 0.0

    @property
    def lossless(self) -> bool:
        """An open valve with neither a loss coefficient nor a fixed drop (a loss-free link)."""
        return self.open and self.loss_coefficient == 0.0 and self.pressure_drop_pa == 0.0


RECORDS: dict[str, type] = {
    "junction": Junction,
    "pipe": Pipe,
    "pressure_source": PressureSource,
    "flow_source": FlowSource,
    "sink": Sink,
    "compressor": Compressor,
    "regulator": Regulator,
    "valve": Valve,
}
"""Record class of each component kind."""

PLURAL: dict[str, str] = {
    "junction": "junctions",
    "pipe": "pipes",
    "pressure_source": "pressure_sources",
    "flow_source": "flow_sources",
    "sink": "sinks",
    "compressor": "compressors",
    "regulator": "regulators",
    "valve": "valves",
}
"""Attribute of :class:`Network` holding each kind."""


@dataclass(frozen=True)
class Network:
    """A validated gas network: tuples of frozen component records.

    Build it with :class:`pos2.network.NetworkBuilder` or :func:`pos2.network.load_network`.
    """

    name: str
    junctions: tuple[Junction, ...]
    pipes: tuple[Pipe, ...] = ()
    pressure_sources: tuple[PressureSource, ...] = ()
    flow_sources: tuple[FlowSource, ...] = ()
    sinks: tuple[Sink, ...] = ()
    compressors: tuple[Compressor, ...] = ()
    regulators: tuple[Regulator, ...] = ()
    valves: tuple[Valve, ...] = ()

    def components(self, kind: str) -> tuple[Any, ...]:
        """Records of one kind, e.g. ``net.components("pipe")``."""
        return tuple(getattr(self, PLURAL[kind]))

    def table(self, kind: str) -> pd.DataFrame:
        """Tidy table (one row per element, SI columns) of one component kind."""
        import pandas as pd

        cls = RECORDS[kind]
        cols = [f.name for f in fields(cls)]
        return pd.DataFrame([asdict(r) for r in self.components(kind)], columns=cols)

    def summary(self) -> dict[str, int]:
        """Number of elements of each kind."""
        return {kind: len(self.components(kind)) for kind in RECORDS}

    @property
    def total_length_m(self) -> float:
        """Sum of pipe lengths [m]."""
        return float(sum(p.length_m for p in self.pipes))
