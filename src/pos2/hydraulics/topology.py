"""Index arrays of a network for the solver: discretised pipes, branches and the Jacobian pattern.

Built once per (network, maximum segment length) and reused by every Newton iteration, so the
assembly is pure vectorised numpy.

Unknowns ``x = [pi (n_nodes), m (n_branches)]``: ``pi = p^2`` [Pa^2] at every node (user junctions
first, then the internal nodes of the discretised pipes) and the mass flow [kg/s] of every branch
(pipe segments, then compressors, regulators, valves; positive from ``from`` to ``to``).
Equations: one row per node (mass balance, or ``pi = p_set^2`` at a pressure source), one row per
branch (momentum of a segment, set point of a station, valve law).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pos2.errors import NetworkError
from pos2.network.model import Network

MAX_SEGMENTS = 5_000_000
"""Most internal pipe segments in one network [-]: a pipe length or segment length off by orders of
magnitude is refused with its name instead of exhausting the memory (the largest benchmarked network,
50,244 pipes of 5-20 km at 10 km per segment, has fewer than 0.11 million)."""

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

MODE_OUTLET, MODE_RATIO, MODE_FLOW = 0, 1, 2


@dataclass(frozen=True)
class Pattern:
    """A fixed sparsity pattern: COO positions in assembly order and their CSC compression."""

    n: int
    rows: IntArray
    cols: IntArray
    inverse: IntArray
    indices: NDArray[np.int32]
    indptr: NDArray[np.int32]
    nnz: int


def make_pattern(rows: IntArray, cols: IntArray, n: int) -> Pattern:
    """Compress COO positions (duplicates allowed, they are summed) into a CSC pattern.

    Parameters
    ----------
    rows
        Row of each assembled value [-].
    cols
        Column of each assembled value [-].
    n
        Matrix size [-].
    """
    key = cols.astype(np.int64) * n + rows.astype(np.int64)
    uniq, inverse = np.unique(key, return_inverse=True)
    counts = np.bincount((uniq // n).astype(np.int64), minlength=n)
    return Pattern(
        n=n,
        rows=rows,
        cols=cols,
        inverse=inverse.astype(np.int64).ravel(),
        indices=(uniq % n).astype(np.int32),
        indptr=np.concatenate([[0], np.cumsum(counts)]).astype(np.int32),
        nnz=int(uniq.size),
    )


@dataclass(frozen=True)
class Chains:
    """Pipes split into several segments: their internal nodes form tridiagonal chains."""

    pipes: IntArray  # pipe index of each multi-segment pipe
    first_seg: IntArray
    int_first: IntArray  # node index of the first internal node
    n_int: IntArray  # number of internal nodes
    mask_a: NDArray[np.bool_]  # start junction is not a pressure source
    mask_b: NDArray[np.bool_]
    groups: tuple[tuple[int, IntArray], ...]  # (n_int, positions in the arrays above)
    single_seg: IntArray  # the segment of each single-segment pipe
    single_mask_from: NDArray[np.bool_]
    single_mask_to: NDArray[np.bool_]


@dataclass(frozen=True)
class Topology:
    """Solver view of a network (all arrays, SI units)."""

    n_junctions: int
    n_nodes: int
    junction_names: NDArray[np.object_]
    pipe_names: NDArray[np.object_]
    node_elevation_m: FloatArray
    node_pipe: IntArray  # pipe index of an internal node, -1 for a junction
    part: IntArray  # connected-part label of each node
    # pipes and segments
    n_pipes: int
    pipe_from: IntArray
    pipe_to: IntArray
    pipe_nseg: IntArray
    pipe_first_seg: IntArray
    seg_pipe: IntArray
    seg_from: IntArray
    seg_to: IntArray
    seg_length_m: FloatArray
    seg_x0_m: FloatArray
    seg_dh_m: FloatArray
    seg_diameter_m: FloatArray
    seg_area_m2: FloatArray
    seg_rel_roughness: FloatArray
    seg_u_w_per_m2k: FloatArray
    seg_extra_friction: FloatArray  # minor losses as an added Darcy factor: zeta_segment D / L
    seg_ground_k: FloatArray  # NaN = ambient
    seg_fixed_f: FloatArray  # Darcy factor given per pipe, NaN = the solver's law
    has_fixed_f: bool  # whether any pipe has its own friction factor
    # compressors
    c_from: IntArray
    c_to: IntArray
    c_mode: IntArray
    c_set: FloatArray
    c_eff: FloatArray
    c_polytropic: NDArray[np.bool_]
    c_driver_eff: FloatArray
    c_fuel: NDArray[np.bool_]
    c_lhv: FloatArray  # NaN = from the gas / default
    c_aftercooler_k: FloatArray  # NaN = none
    # regulators
    r_from: IntArray
    r_to: IntArray
    r_set_pa: FloatArray
    # valves
    v_from: IntArray
    v_to: IntArray
    v_open: NDArray[np.bool_]
    v_zeta: FloatArray
    v_area_m2: FloatArray
    v_redundant: NDArray[np.bool_]  # loss-free open valve closing a loop of loss-free links: m = 0
    v_dp_pa: FloatArray  # fixed pressure drop in the flow direction (resistor)
    # all branches
    br_from: IntArray
    br_to: IntArray
    # boundary conditions
    fixed_nodes: IntArray
    fixed_p_pa: FloatArray
    fixed_t_k: FloatArray  # NaN = ambient
    injection_kg_per_s: FloatArray  # flow sources minus sinks per node
    fs_node: IntArray
    fs_flow: FloatArray
    fs_t_k: FloatArray  # NaN = ambient
    # Jacobian patterns: full system and the system with the segment flows eliminated
    full: Pattern
    reduced: Pattern
    chains: Chains
    inc_mask_from: NDArray[np.bool_]
    inc_mask_to: NDArray[np.bool_]
    fuel_mask: NDArray[np.bool_]

    @property
    def n_segments(self) -> int:
        """Number of pipe segments."""
        return int(self.seg_from.size)

    @property
    def n_branches(self) -> int:
        """Number of branches (segments, compressors, regulators, valves)."""
        return int(self.br_from.size)

    @property
    def n_unknowns(self) -> int:
        """Size of the Newton system."""
        return self.n_nodes + self.n_branches


def _nan(x: float | None) -> float:
    return math.nan if x is None else float(x)


_CACHE_ATTR = "_pos2_topology_cache"


def loop_closing_links(a: IntArray, b: IntArray, lossless: NDArray[np.bool_], n: int) -> NDArray[np.bool_]:
    """Loss-free links that close a loop of loss-free links (a spanning forest keeps the others).

    Junctions joined by loss-free links (open valves without a loss coefficient) share one pressure,
    so a loop of such links leaves the split of the flow around it undetermined: the Newton matrix is
    singular. Merging the joined junctions into one node is equivalent to keeping a spanning forest of
    the loss-free links and giving every link that closes a loop zero flow, which is what the solver
    does with the links returned here (their flow is reported as 0; the pressures are unaffected).

    Parameters
    ----------
    a, b
        End junctions of each link [-].
    lossless
        Which links are loss-free (open, no loss) [-].
    n
        Number of junctions [-].

    Examples
    --------
    >>> import numpy as np
    >>> loop_closing_links(np.array([0, 0, 1]), np.array([1, 1, 2]), np.array([True, True, True]), 3)
    array([False,  True, False])
    """
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    out = np.zeros(a.size, dtype=bool)
    for k in np.flatnonzero(lossless):
        ra, rb = root(int(a[k])), root(int(b[k]))
        if ra == rb:
            out[k] = True
        else:
            parent[ra] = rb
    return out


def topology_of(net: Network, max_segment_length_m: float) -> Topology:
    """:func:`build_topology`, cached on the (immutable) network per segment length.

    A :class:`~pos2.network.Network` is frozen, so its solver topology can be built once and reused
    by every later solve (the cache lives in a private attribute that is not a dataclass field and
    so takes no part in equality or repr).

    Parameters
    ----------
    net
        Validated network [-].
    max_segment_length_m
        Longest internal segment [m].
    """
    cache: dict[float, Topology] | None = net.__dict__.get(_CACHE_ATTR)
    if cache is None:
        cache = {}
        object.__setattr__(net, _CACHE_ATTR, cache)
    key = float(max_segment_length_m)
    if key not in cache:
        cache[key] = build_topology(net, key)
    return cache[key]


def build_topology(net: Network, max_segment_length_m: float) -> Topology:
    """Discretise the pipes and build all index arrays of ``net``.

    Parameters
    ----------
    net
        Validated network [-].
    max_segment_length_m
        Longest internal segment [m].
    """
    jindex = {j.name: i for i, j in enumerate(net.junctions)}
    nj = len(jindex)
    elev_j = np.array([j.elevation_m for j in net.junctions], dtype=np.float64)

    pipes = net.pipes
    npipe = len(pipes)
    p_from = np.array([jindex[p.from_junction] for p in pipes], dtype=np.int64)
    p_to = np.array([jindex[p.to_junction] for p in pipes], dtype=np.int64)
    p_len = np.array([p.length_m for p in pipes], dtype=np.float64)
    p_d = np.array([p.inner_diameter_m for p in pipes], dtype=np.float64)
    p_eps = np.array([p.roughness_m for p in pipes], dtype=np.float64)
    p_u = np.array([p.u_w_per_m2k for p in pipes], dtype=np.float64)
    p_zeta = np.array([p.loss_coefficient for p in pipes], dtype=np.float64)
    p_tg = np.array([_nan(p.ground_temperature_k) for p in pipes], dtype=np.float64)
    p_ff = np.array([_nan(p.friction_factor) for p in pipes], dtype=np.float64)

    nseg_f = np.maximum(1.0, np.ceil(p_len / max_segment_length_m - 1e-9))
    if nseg_f.size and (not np.all(np.isfinite(nseg_f)) or float(nseg_f.sum()) > MAX_SEGMENTS):
        i = int(np.argmax(nseg_f))
        raise NetworkError(
            f"{float(nseg_f.sum()):.3g} internal segments in all ({float(nseg_f[i]):.3g} in this pipe of "
            f"{p_len[i] / 1000:.6g} km at {max_segment_length_m / 1000:g} km per segment) is more than the "
            f"{MAX_SEGMENTS:,} this solver accepts: check the pipe's length, or use longer segments",
            element=pipes[i].name,
            field="length_m",
            value=float(p_len[i]),
        )
    nseg = nseg_f.astype(np.int64)
    first = (np.cumsum(nseg) - nseg).astype(np.int64)
    ns = int(nseg.sum())
    seg_pipe = np.repeat(np.arange(npipe, dtype=np.int64), nseg)
    k = np.arange(ns, dtype=np.int64) - first[seg_pipe]
    n_int = nseg - 1
    int_first = (nj + np.cumsum(n_int) - n_int).astype(np.int64)
    n_nodes = nj + int(n_int.sum())
    last = k == nseg[seg_pipe] - 1
    seg_from = np.where(k == 0, p_from[seg_pipe], int_first[seg_pipe] + k - 1)
    seg_to = np.where(last, p_to[seg_pipe], int_first[seg_pipe] + k)
    seg_len = p_len[seg_pipe] / nseg[seg_pipe]
    seg_x0 = k * seg_len

    node_elev = np.empty(n_nodes, dtype=np.float64)
    node_elev[:nj] = elev_j
    node_pipe = np.full(n_nodes, -1, dtype=np.int64)
    # internal node i of pipe q sits at x = (i+1) L/n
    inner = ~last
    ip = seg_pipe[inner]
    frac = (k[inner] + 1) / nseg[ip]
    node_elev[seg_to[inner]] = elev_j[p_from[ip]] + frac * (elev_j[p_to[ip]] - elev_j[p_from[ip]])
    node_pipe[seg_to[inner]] = ip
    seg_dh = node_elev[seg_to] - node_elev[seg_from]
    seg_d = p_d[seg_pipe]

    comps = net.compressors
    c_from = np.array([jindex[c.from_junction] for c in comps], dtype=np.int64)
    c_to = np.array([jindex[c.to_junction] for c in comps], dtype=np.int64)
    mode_of = {"outlet_pressure": MODE_OUTLET, "ratio": MODE_RATIO, "flow": MODE_FLOW}
    c_mode = np.array([mode_of[c.set_point] for c in comps], dtype=np.int64)
    c_set = np.array(
        [
            c.outlet_pressure_pa
            if c.outlet_pressure_pa is not None
            else (c.ratio if c.ratio is not None else c.flow_kg_per_s)
            for c in comps
        ],
        dtype=np.float64,
    )
    regs = net.regulators
    r_from = np.array([jindex[r.from_junction] for r in regs], dtype=np.int64)
    r_to = np.array([jindex[r.to_junction] for r in regs], dtype=np.int64)
    valves = net.valves
    v_from = np.array([jindex[v.from_junction] for v in valves], dtype=np.int64)
    v_to = np.array([jindex[v.to_junction] for v in valves], dtype=np.int64)
    v_open = np.array([v.open for v in valves], dtype=bool)
    v_d = np.array([v.diameter_m if v.diameter_m is not None else 1.0 for v in valves], dtype=np.float64)
    v_zeta = np.array([v.loss_coefficient for v in valves], dtype=np.float64)
    v_dp = np.array([v.pressure_drop_pa for v in valves], dtype=np.float64)
    v_redundant = loop_closing_links(v_from, v_to, np.array([v.lossless for v in valves], dtype=bool), nj)

    br_from = np.concatenate([seg_from, c_from, r_from, v_from]).astype(np.int64)
    br_to = np.concatenate([seg_to, c_to, r_to, v_to]).astype(np.int64)
    nb = br_from.size

    fixed = np.array([jindex[s.junction] for s in net.pressure_sources], dtype=np.int64)
    fixed_p = np.array([s.p_pa for s in net.pressure_sources], dtype=np.float64)
    fixed_t = np.array([_nan(s.t_k) for s in net.pressure_sources], dtype=np.float64)
    inj = np.zeros(n_nodes, dtype=np.float64)
    fs_node = np.array([jindex[s.junction] for s in net.flow_sources], dtype=np.int64)
    fs_flow = np.array([s.flow_kg_per_s for s in net.flow_sources], dtype=np.float64)
    np.add.at(inj, fs_node, fs_flow)
    sk_node = np.array([jindex[s.junction] for s in net.sinks], dtype=np.int64)
    np.add.at(inj, sk_node, -np.array([s.flow_kg_per_s for s in net.sinks], dtype=np.float64))

    # connected parts (closed valves cut)
    keep = np.ones(nb, dtype=bool)
    keep[nb - len(valves) :] = v_open
    g = coo_matrix((np.ones(int(keep.sum())), (br_from[keep], br_to[keep])), shape=(n_nodes, n_nodes))
    _, part = connected_components(g, directed=False)

    # ---- Jacobian patterns -----------------------------------------------------------------------
    is_fixed = np.zeros(n_nodes, dtype=bool)
    is_fixed[fixed] = True
    inc_mask_from = ~is_fixed[br_from]
    inc_mask_to = ~is_fixed[br_to]
    bcol = n_nodes + np.arange(nb, dtype=np.int64)
    fuel_mask = ~is_fixed[c_to]
    full = make_pattern(
        np.concatenate(
            [
                br_from[inc_mask_from],
                br_to[inc_mask_to],
                c_to[fuel_mask],
                c_to[fuel_mask],
                fixed,
                np.repeat(bcol, 3),
            ]
        ),
        np.concatenate(
            [
                bcol[inc_mask_from],
                bcol[inc_mask_to],
                c_from[fuel_mask],
                c_to[fuel_mask],
                fixed,
                np.stack([br_from, br_to, bcol], axis=1).ravel(),
            ]
        ),
        n_nodes + nb,
    )
    # reduced: unknowns [pi (junctions), flows of stations and valves]. The segment flows are
    # eliminated (diagonal block), then the internal nodes of multi-segment pipes (tridiagonal
    # chains), leaving 2 x 2 couplings between the end junctions of each pipe.
    ns_ = seg_from.size
    o_from, o_to = br_from[ns_:], br_to[ns_:]
    rcol = nj + np.arange(nb - ns_, dtype=np.int64)
    mf, mt = inc_mask_from[ns_:], inc_mask_to[ns_:]
    single = nseg == 1
    s1 = first[single]  # the one segment of single-segment pipes
    s1_f, s1_t = seg_from[s1], seg_to[s1]
    s1_mf, s1_mt = ~is_fixed[s1_f], ~is_fixed[s1_t]
    multi = np.flatnonzero(~single)
    mp_a, mp_b = p_from[multi], p_to[multi]
    mp_ma, mp_mb = ~is_fixed[mp_a], ~is_fixed[mp_b]
    reduced = make_pattern(
        np.concatenate(
            [
                o_from[mf],
                o_to[mt],
                c_to[fuel_mask],
                c_to[fuel_mask],
                fixed,
                np.repeat(rcol, 3),
                np.repeat(s1_f[s1_mf], 2),
                np.repeat(s1_t[s1_mt], 2),
                mp_a[mp_ma],
                mp_b[mp_mb],
                np.repeat(mp_a[mp_ma], 2),
                np.repeat(mp_b[mp_mb], 2),
            ]
        ).astype(np.int64),
        np.concatenate(
            [
                rcol[mf],
                rcol[mt],
                c_from[fuel_mask],
                c_to[fuel_mask],
                fixed,
                np.stack([o_from, o_to, rcol], axis=1).ravel(),
                np.stack([s1_f[s1_mf], s1_t[s1_mf]], axis=1).ravel(),
                np.stack([s1_f[s1_mt], s1_t[s1_mt]], axis=1).ravel(),
                mp_a[mp_ma],
                mp_b[mp_mb],
                np.stack([mp_a[mp_ma], mp_b[mp_ma]], axis=1).ravel(),
                np.stack([mp_a[mp_mb], mp_b[mp_mb]], axis=1).ravel(),
            ]
        ).astype(np.int64),
        nj + nb - ns_,
    )
    nint = nseg[multi] - 1
    groups = tuple((int(k), np.flatnonzero(nint == k).astype(np.int64)) for k in np.unique(nint))
    chains = Chains(
        pipes=multi.astype(np.int64),
        first_seg=first[multi],
        int_first=int_first[multi],
        n_int=nint.astype(np.int64),
        mask_a=mp_ma,
        mask_b=mp_mb,
        groups=groups,
        single_seg=s1,
        single_mask_from=s1_mf,
        single_mask_to=s1_mt,
    )

    return Topology(
        junction_names=np.array([j.name for j in net.junctions], dtype=object),
        pipe_names=np.array([q.name for q in pipes], dtype=object),
        n_junctions=nj,
        n_nodes=n_nodes,
        node_elevation_m=node_elev,
        node_pipe=node_pipe,
        part=part.astype(np.int64),
        n_pipes=npipe,
        pipe_from=p_from,
        pipe_to=p_to,
        pipe_nseg=nseg,
        pipe_first_seg=first,
        seg_pipe=seg_pipe,
        seg_from=seg_from.astype(np.int64),
        seg_to=seg_to.astype(np.int64),
        seg_length_m=seg_len,
        seg_x0_m=seg_x0.astype(np.float64),
        seg_dh_m=seg_dh,
        seg_diameter_m=seg_d,
        seg_area_m2=np.pi * seg_d**2 / 4.0,
        seg_rel_roughness=p_eps[seg_pipe] / seg_d,
        seg_u_w_per_m2k=p_u[seg_pipe],
        seg_extra_friction=p_zeta[seg_pipe] / nseg[seg_pipe] * seg_d / seg_len,
        seg_ground_k=p_tg[seg_pipe],
        seg_fixed_f=p_ff[seg_pipe],
        has_fixed_f=bool(np.any(~np.isnan(p_ff))),
        c_from=c_from,
        c_to=c_to,
        c_mode=c_mode,
        c_set=c_set,
        c_eff=np.array([c.efficiency for c in comps], dtype=np.float64),
        c_polytropic=np.array([c.efficiency_kind == "polytropic" for c in comps], dtype=bool),
        c_driver_eff=np.array([c.driver_efficiency for c in comps], dtype=np.float64),
        c_fuel=np.array([c.fuel for c in comps], dtype=bool),
        c_lhv=np.array([_nan(c.fuel_lhv_j_per_kg) for c in comps], dtype=np.float64),
        c_aftercooler_k=np.array([_nan(c.aftercooler_outlet_k) for c in comps], dtype=np.float64),
        r_from=r_from,
        r_to=r_to,
        r_set_pa=np.array([r.outlet_pressure_pa for r in regs], dtype=np.float64),
        v_from=v_from,
        v_to=v_to,
        v_open=v_open,
        v_zeta=v_zeta,
        v_area_m2=np.pi * v_d**2 / 4.0,
        v_redundant=v_redundant,
        v_dp_pa=v_dp,
        br_from=br_from,
        br_to=br_to,
        fixed_nodes=fixed,
        fixed_p_pa=fixed_p,
        fixed_t_k=fixed_t,
        injection_kg_per_s=inj,
        fs_node=fs_node,
        fs_flow=fs_flow,
        fs_t_k=np.array([_nan(s.t_k) for s in net.flow_sources], dtype=np.float64),
        full=full,
        reduced=reduced,
        chains=chains,
        inc_mask_from=inc_mask_from,
        inc_mask_to=inc_mask_to,
        fuel_mask=fuel_mask,
    )
