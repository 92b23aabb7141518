"""Gas network topology and component data: builder, TOML loader and the schema tables.

>>> from pos2.network import NetworkBuilder
>>> nb = NetworkBuilder("demo")
"""

from pos2.network.builder import NetworkBuilder, build_network
from pos2.network.io import dump_network, dumps_network, load_network, loads_network
from pos2.network.model import (
    Compressor,
    FlowSource,
    Junction,
    Network,
    Pipe,
    PressureSource,
    Regulator,
    Sink,
    Valve,
)

__all__ = [
    "Compressor",
    "FlowSource",
    "Junction",
    "Network",
    "NetworkBuilder",
    "Pipe",
    "PressureSource",
    "Regulator",
    "Sink",
    "Valve",
    "build_network",
    "dump_network",
    "dumps_network",
    "load_network",
    "loads_network",
]
