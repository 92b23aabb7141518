"""Darcy friction-factor correlations for gas pipes, each named after and citing its source.

All functions are pure and vectorised over numpy arrays. Each returns the Darcy (Moody) friction
factor ``f`` (four times the Fanning factor); the ``*_derivative`` companions return ``df/dRe``
for the Newton Jacobian (``dRe/dm = Re/m`` follows from ``Re = 4 |m| / (pi D mu)``).

The transmission-line formulas of Weymouth and Panhandle A/B are written in their Darcy
friction-factor form: a gas-flow equation ``p1^2 - p2^2 = f L Z R T m|m| / (D A^2)`` with these
``f`` reproduces each formula's flow at pipeline efficiency ``E = 1`` (Menon 2005, ch. 2: the
transmission factor is ``F = 2 / sqrt(f)``).

References
----------
.. [1] Colebrook, C. F. (1939). Turbulent flow in pipes, with particular reference to the transition
   region between the smooth and rough pipe laws. J. Inst. Civil Eng. 11(4), 133-156.
.. [2] Nikuradse, J. (1933). Strömungsgesetze in rauhen Rohren. VDI-Forschungsheft 361.
.. [3] Hofer, P. (1973). Beurteilung von Fehlern in Rohrnetzberechnungen. GWF Gas/Erdgas 114(3),
   113-119 (explicit approximation of Colebrook-White used in DVGW practice, e.g. DVGW G 2000 tools).
.. [4] Menon, E. S. (2005). Gas Pipeline Hydraulics. CRC Press. Ch. 2 (transmission factors,
   Weymouth, Panhandle A and B equations; elevation adjustment).
.. [5] Weymouth, T. R. (1912). Problems in natural gas engineering. Trans. ASME 34, 185-234.
.. [6] Haaland, S. E. (1983). Simple and explicit formulas for the friction factor in turbulent pipe
   flow. J. Fluids Eng. 105(1), 89-90 (starting value for Colebrook).
.. [7] pandapipes 0.16.0 (Fraunhofer IEE, University of Kassel; BSD licence),
   ``pandapipes.pf.derivative_toolbox.calc_lambda_nikuradse_comp_np`` and
   ``derivative_calculation.calc_lambda``: the friction law "nikuradse" of its gas mode, the one its
   STANET comparison networks (suffix ``_N``) are computed with.

Examples
--------
>>> round(float(colebrook(1e5, 1e-4)), 12)
0.018513866077
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CORRELATIONS",
    "colebrook",
    "colebrook_derivative",
    "colebrook_dvgw",
    "haaland",
    "hofer",
    "hofer_derivative",
    "laminar",
    "nikuradse",
    "nikuradse_stanet",
    "nikuradse_stanet_derivative",
    "panhandle_a",
    "panhandle_a_derivative",
    "panhandle_b",
    "panhandle_b_derivative",
    "weymouth",
]

FloatArray = NDArray[np.float64]
_LN10 = float(np.log(10.0))
_INCH_M = 0.0254


def laminar(re: ArrayLike) -> FloatArray:
    """Hagen-Poiseuille laminar friction factor ``f = 64 / Re``.

    Parameters
    ----------
    re
        Reynolds number [-].
    """
    return 64.0 / np.asarray(re, dtype=np.float64)


def haaland(re: ArrayLike, rel_roughness: ArrayLike) -> FloatArray:
    """Haaland (1983) explicit friction factor [6], used as the start of the Colebrook iteration.

    ``1/sqrt(f) = -1.8 log10((eps/D / 3.7)^1.11 + 6.9 / Re)``

    Parameters
    ----------
    re
        Reynolds number [-].
    rel_roughness
        Relative roughness eps/D [-].
    """
    re_, ed = np.broadcast_arrays(
        np.asarray(re, dtype=np.float64), np.asarray(rel_roughness, dtype=np.float64)
    )
    x = -1.8 * np.log10((ed / 3.7) ** 1.11 + 6.9 / re_)
    return 1.0 / (x * x)


def colebrook(
    re: ArrayLike,
    rel_roughness: ArrayLike,
    iterations: int = 4,
    roughness_divisor: float = 3.7,
    f_start: ArrayLike | None = None,
) -> FloatArray:
    """Colebrook-White (1939) friction factor [1], solved implicitly.

    ``1/sqrt(f) = -2 log10(eps/(3.7 D) + 2.51 / (Re sqrt(f)))``

    Newton's method on ``x = 1/sqrt(f)`` from Haaland's explicit value converges quadratically;
    four steps reach machine precision for ``Re`` in 2e3..1e9 and ``eps/D`` in 0..0.05.

    Parameters
    ----------
    re
        Reynolds number [-].
    rel_roughness
        Relative roughness eps/D [-].
    iterations
        Newton steps [-].
    roughness_divisor
        3.7 in Colebrook's paper; 3.71 in the Prandtl-Colebrook form of German practice (DVGW
        worksheets such as GW 303-1) that STANET and pandapipes use, see :func:`colebrook_dvgw` [-].
    f_start
        Starting value (e.g. the last solution at a nearby Re); default Haaland's formula [-].
    """
    re_, ed = np.broadcast_arrays(
        np.asarray(re, dtype=np.float64), np.asarray(rel_roughness, dtype=np.float64)
    )
    a = ed / roughness_divisor
    b = 2.51 / re_
    x = 1.0 / np.sqrt(haaland(re_, ed) if f_start is None else np.asarray(f_start, dtype=np.float64))
    for _ in range(iterations):
        u = a + b * x
        g = x + 2.0 * np.log10(u)
        dg = 1.0 + 2.0 * b / (_LN10 * u)
        x = x - g / dg
    return 1.0 / (x * x)


def colebrook_derivative(
    re: ArrayLike, rel_roughness: ArrayLike, f: ArrayLike | None = None, roughness_divisor: float = 3.7
) -> FloatArray:
    """``df/dRe`` of the Colebrook-White friction factor, by implicit differentiation [1].

    With ``x = 1/sqrt(f)``, ``G = x + 2 log10(a + b x / Re) = 0``, ``a = eps/(3.7 D)``, ``b = 2.51``
    (3.71 in the DVGW form):
    ``dx/dRe = -G_Re / G_x`` and ``df/dRe = -2 x^-3 dx/dRe``.

    Parameters
    ----------
    re
        Reynolds number [-].
    rel_roughness
        Relative roughness eps/D [-].
    f
        Friction factor at ``re`` if already known [-].
    roughness_divisor
        3.7 (Colebrook) or 3.71 (DVGW form) [-].
    """
    re_, ed = np.broadcast_arrays(
        np.asarray(re, dtype=np.float64), np.asarray(rel_roughness, dtype=np.float64)
    )
    f_ = (
        colebrook(re_, ed, roughness_divisor=roughness_divisor)
        if f is None
        else np.asarray(f, dtype=np.float64)
    )
    x = 1.0 / np.sqrt(f_)
    u = ed / roughness_divisor + 2.51 * x / re_
    g_x = 1.0 + 2.0 * (2.51 / re_) / (_LN10 * u)
    g_re = 2.0 * (-2.51 * x / re_**2) / (_LN10 * u)
    dx = -g_re / g_x
    return -2.0 * dx / x**3


def colebrook_dvgw(re: ArrayLike, rel_roughness: ArrayLike) -> FloatArray:
    """Prandtl-Colebrook friction factor in the form of German practice (DVGW GW 303-1, G 2000).

    ``1/sqrt(f) = -2 log10(eps/(3.71 D) + 2.51 / (Re sqrt(f)))`` - Colebrook-White [1] with 3.71 in
    place of 3.7; STANET and pandapipes use this form, so it reproduces their results.

    Parameters
    ----------
    re
        Reynolds number [-].
    rel_roughness
        Relative roughness eps/D [-].
    """
    return colebrook(re, rel_roughness, roughness_divisor=3.71)


def nikuradse(rel_roughness: ArrayLike) -> FloatArray:
    """Nikuradse (1933) fully rough (Prandtl-von Karman) friction factor [2]; independent of Re.

    ``1/sqrt(f) = 2 log10(3.7 D / eps)``

    Parameters
    ----------
    rel_roughness
        Relative roughness eps/D, > 0 [-].
    """
    ed = np.asarray(rel_roughness, dtype=np.float64)
    x = 2.0 * np.log10(3.7 / ed)
    return 1.0 / (x * x)


def nikuradse_stanet(re: ArrayLike, rel_roughness: ArrayLike) -> FloatArray:
    """STANET's "Nikuradse" law as pandapipes implements it [7]: laminar plus fully rough term.

    ``f = 64 / Re + 1 / (2 log10(D / eps) + 1.14)^2``

    The rough term is Nikuradse's (1933) rough-pipe law [2] with his own constant 1.14
    (``1/sqrt(f) = 2 log10(r / eps) + 1.74`` written with the diameter: ``1.74 - 2 log10 2 = 1.138``),
    where :func:`nikuradse` has ``2 log10 3.7 = 1.1364``; the laminar addend ``64 / Re`` holds at every
    Reynolds number (no switch between the laws), so ``f |m|`` stays smooth through zero flow.

    Parameters
    ----------
    re
        Reynolds number, > 0 [-].
    rel_roughness
        Relative roughness eps/D, > 0 [-].

    Examples
    --------
    >>> round(float(nikuradse_stanet(1e5, 1e-3)), 10)
    0.0202556894
    """
    re_, ed = np.broadcast_arrays(
        np.asarray(re, dtype=np.float64), np.asarray(rel_roughness, dtype=np.float64)
    )
    x = 2.0 * np.log10(1.0 / ed) + 1.14
    return 64.0 / re_ + 1.0 / (x * x)


def nikuradse_stanet_derivative(re: ArrayLike) -> FloatArray:
    """``df/dRe`` of :func:`nikuradse_stanet`: ``-64 / Re^2`` (the rough term does not depend on Re) [7].

    Parameters
    ----------
    re
        Reynolds number, > 0 [-].
    """
    re_ = np.asarray(re, dtype=np.float64)
    return -64.0 / (re_ * re_)


def hofer(re: ArrayLike, rel_roughness: ArrayLike) -> FloatArray:
    """Hofer (1973) explicit approximation of Colebrook-White [3] (DVGW practice).

    ``1/sqrt(f) = -2 log10(4.518 / Re * log10(Re / 7) + eps / (3.71 D))``

    Parameters
    ----------
    re
        Reynolds number, > 7 [-].
    rel_roughness
        Relative roughness eps/D [-].
    """
    re_, ed = np.broadcast_arrays(
        np.asarray(re, dtype=np.float64), np.asarray(rel_roughness, dtype=np.float64)
    )
    u = 4.518 / re_ * np.log10(re_ / 7.0) + ed / 3.71
    x = -2.0 * np.log10(u)
    return 1.0 / (x * x)


def hofer_derivative(re: ArrayLike, rel_roughness: ArrayLike) -> FloatArray:
    """``df/dRe`` of :func:`hofer` [3].

    Parameters
    ----------
    re
        Reynolds number [-].
    rel_roughness
        Relative roughness eps/D [-].
    """
    re_, ed = np.broadcast_arrays(
        np.asarray(re, dtype=np.float64), np.asarray(rel_roughness, dtype=np.float64)
    )
    u = 4.518 / re_ * np.log10(re_ / 7.0) + ed / 3.71
    du = 4.518 * (1.0 / _LN10 - np.log10(re_ / 7.0)) / re_**2
    x = -2.0 * np.log10(u)
    dx = -2.0 * du / (_LN10 * u)
    return -2.0 * dx / x**3


def weymouth(diameter_m: ArrayLike) -> FloatArray:
    """Weymouth (1912) friction factor [5] in the Darcy form of Menon (2005), ch. 2 [4].

    Weymouth's transmission factor ``F = 11.18 D^(1/6)`` (D in inches) gives, with ``F = 2/sqrt(f)``,
    ``f = 0.032 / D_in^(1/3)``; it depends on the diameter only.

    Parameters
    ----------
    diameter_m
        Inner diameter [m].
    """
    d_in = np.asarray(diameter_m, dtype=np.float64) / _INCH_M
    return 4.0 / (11.18 * d_in ** (1.0 / 6.0)) ** 2


def panhandle_a(re: ArrayLike) -> FloatArray:
    """Panhandle A friction factor in its Reynolds-number form (Menon 2005 [4], ch. 2).

    Transmission factor ``F = 6.872 E Re^0.07305``; at pipeline efficiency ``E = 1`` and with
    ``F = 2/sqrt(f)``: ``f = 4 / 6.872^2 Re^-0.1461 = 0.08470 Re^-0.1461``. The field form
    ``F = 7.2111 E (G Q / D)^0.07305`` (USCS) is the same law with a gas viscosity of about
    7e-6 lb/(ft s) (1.04e-5 Pa s) built in.

    Parameters
    ----------
    re
        Reynolds number [-].
    """
    return (4.0 / 6.872**2) * np.asarray(re, dtype=np.float64) ** (-0.1461)


def panhandle_a_derivative(re: ArrayLike) -> FloatArray:
    """``df/dRe`` of :func:`panhandle_a`.

    Parameters
    ----------
    re
        Reynolds number [-].
    """
    re_ = np.asarray(re, dtype=np.float64)
    return -0.1461 * panhandle_a(re_) / re_


def panhandle_b(re: ArrayLike) -> FloatArray:
    """Panhandle B friction factor in its Reynolds-number form (Menon 2005 [4], ch. 2).

    Transmission factor ``F = 16.49 E Re^0.01961``; at ``E = 1``:
    ``f = 4 / 16.49^2 Re^-0.03922 = 0.014710 Re^-0.03922``.

    Parameters
    ----------
    re
        Reynolds number [-].
    """
    return (4.0 / 16.49**2) * np.asarray(re, dtype=np.float64) ** (-0.03922)


def panhandle_b_derivative(re: ArrayLike) -> FloatArray:
    """``df/dRe`` of :func:`panhandle_b`.

    Parameters
    ----------
    re
        Reynolds number [-].
    """
    re_ = np.asarray(re, dtype=np.float64)
    return -0.03922 * panhandle_b(re_) / re_


def friction_and_derivative(
    name: str,
    re: FloatArray,
    rel_roughness: FloatArray,
    diameter_m: FloatArray,
    fixed: float | None = None,
    f_start: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Turbulent friction factor of correlation ``name`` and its ``df/dRe`` at ``re``.

    Parameters
    ----------
    name
        One of :data:`CORRELATIONS` [-].
    re
        Reynolds number, > 0 [-].
    rel_roughness
        Relative roughness eps/D [-].
    diameter_m
        Inner diameter (Weymouth only) [m].
    fixed
        Friction factor for ``name == "fixed"`` [-].
    f_start
        Warm start of the Colebrook iteration (a previous solution); three Newton steps follow
        instead of four from Haaland's value [-].
    """
    if name in ("colebrook", "colebrook_dvgw"):
        div = 3.7 if name == "colebrook" else 3.71
        if f_start is None:
            f = colebrook(re, rel_roughness, roughness_divisor=div)
        else:
            f = colebrook(re, rel_roughness, iterations=3, roughness_divisor=div, f_start=f_start)
        return f, colebrook_derivative(re, rel_roughness, f, roughness_divisor=div)
    if name == "hofer":
        return hofer(re, rel_roughness), hofer_derivative(re, rel_roughness)
    if name == "nikuradse":
        return nikuradse(rel_roughness) * np.ones_like(re), np.zeros_like(re)
    if name == "nikuradse_stanet":
        return nikuradse_stanet(re, rel_roughness), nikuradse_stanet_derivative(re)
    if name == "weymouth":
        return weymouth(diameter_m) * np.ones_like(re), np.zeros_like(re)
    if name == "panhandle_a":
        return panhandle_a(re), panhandle_a_derivative(re)
    if name == "panhandle_b":
        return panhandle_b(re), panhandle_b_derivative(re)
    if name == "fixed":
        if fixed is None:
            raise ValueError("friction 'fixed' needs a friction factor")
        return np.full_like(re, fixed), np.zeros_like(re)
    raise ValueError(f"unknown friction correlation {name!r}")


CORRELATIONS: tuple[str, ...] = (
    "colebrook",
    "colebrook_dvgw",
    "nikuradse",
    "nikuradse_stanet",
    "hofer",
    "weymouth",
    "panhandle_a",
    "panhandle_b",
    "fixed",
)
"""Names accepted by :class:`pos2.hydraulics.SteadyOptions` ``friction``."""
