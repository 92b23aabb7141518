"""Gas composition and properties: GERG-2008 (pyaga8) reference, fast tables, simple models."""

from pos2.gas.model import GasModel
from pos2.gas.simple import ConstantZ, IdealGas, LinearZ

__all__ = ["ConstantZ", "GasModel", "IdealGas", "LinearZ"]
