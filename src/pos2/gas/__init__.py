"""Gas composition and properties: GERG-2008 (pyaga8) reference, fast tables, simple models."""

from pos2.gas.model import GasModel

__all__ = ["GasModel"]
