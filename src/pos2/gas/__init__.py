"""Gas composition and properties: GERG-2008 (pyaga8) reference, fast tables, simple models.

Models implementing :class:`GasModel` (vectorised, SI, absolute pressure):

* :class:`TabulatedGas` - bicubic tables of GERG-2008, the solvers' default (:func:`default_gas`);
* :class:`Gerg2008` - the GERG-2008 reference equation via pyaga8 (exact, point by point);
* :class:`IdealGas`, :class:`ConstantZ`, :class:`LinearZ` - closed-form models for analytic checks.
"""

from pos2.gas.composition import PURE_METHANE, WEST_SIBERIAN, GasComposition
from pos2.gas.gerg import Gerg2008
from pos2.gas.model import GasModel
from pos2.gas.simple import ConstantZ, IdealGas, LinearZ
from pos2.gas.tables import TabulatedGas, default_gas
from pos2.gas.viscosity import lee_gonzalez_eakin

__all__ = [
    "PURE_METHANE",
    "WEST_SIBERIAN",
    "ConstantZ",
    "GasComposition",
    "GasModel",
    "Gerg2008",
    "IdealGas",
    "LinearZ",
    "TabulatedGas",
    "default_gas",
    "lee_gonzalez_eakin",
]
