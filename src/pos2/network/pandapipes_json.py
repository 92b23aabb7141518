"""Old import path of the pandapipes-JSON importer, kept working.

The importer lives in :mod:`pos2.network.formats.pandapipes_json`, beside the GasLib reader.
"""

from pos2.network.formats.pandapipes_json import (
    NORMAL_PRESSURE_PA,
    NORMAL_TEMPERATURE_K,
    PandapipesMetadata,
    PandapipesPump,
    ambient_pressure_pa,
    load_pandapipes_json,
)

__all__ = [
    "NORMAL_PRESSURE_PA",
    "NORMAL_TEMPERATURE_K",
    "PandapipesMetadata",
    "PandapipesPump",
    "ambient_pressure_pa",
    "load_pandapipes_json",
]
