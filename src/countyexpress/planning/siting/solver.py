"""The one place that calls HiGHS: arrays in, a domain result out.

The p-median goes through a heuristic, the Lagrangian bound and its tests, and the
Lagrangian tree search first (`lagrangian.py`, `tree.py`); HiGHS solves what they leave.
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, replace

import highspy
import numpy as np
import numpy.typing as npt

from countyexpress.errors import CountyExpressError
from countyexpress.planning.siting import formulations, heuristics, lagrangian, tree
from countyexpress.planning.siting.formulations import MipArrays
from countyexpress.planning.siting.model import (
    Objective,
    SitingProblem,
    SitingRequest,
    SolveLimits,
)
from countyexpress.planning.siting.result import SitingResult, evaluate

__all__ = ["solve"]

QUIET_HEURISTICS = (
    "mip_heuristic_run_feasibility_jump",
    "mip_heuristic_run_rins",
    "mip_heuristic_run_rens",
    "mip_heuristic_run_root_reduced_cost",
)
"""HiGHS heuristics switched off when a start from our own heuristic is given."""

HEURISTIC_SHARE = 0.35
"""Shares of the time limit, counted from the start, after which the p-median's first
heuristic starts no new round of swaps, the root Lagrangian stops, and the tree search stops;
on the benchmark instances none of them binds, on a 10,000 × 1,000 p-median they keep the
limit."""

LAGRANGIAN_SHARE = 0.6

LP_START_SHARE = 0.25
"""MCLP: the LP relaxation behind the rounded start may use up to this share of the limit."""

TREE_SHARE = 0.75

TREE_NODES = 2000
TREE_MAX_SITES = 50
"""The Lagrangian tree search stops after this many nodes (or at TREE_SHARE), and is skipped
when more than TREE_MAX_SITES new sites are left to choose (pmed25, p = 167: 2,000 nodes in
20 s without a proof, where HiGHS needs 3 s); the MIP then solves what the root reduction
left, from the best solution found."""

PMEDIAN_SLACK_LEVELS = 2
"""Distance levels past the heuristic solution that the first capped p-median model keeps."""


@dataclass(frozen=True)
class Outcome:
    """What the solver returned, in plain values."""

    open_sites: npt.NDArray[np.intp]
    objective: float
    optimal: bool
    gap: float
    bound: float
    columns: npt.NDArray[np.intp]  # the "open" columns set to 1


def to_model(problem: SitingProblem, request: SitingRequest) -> MipArrays:
    """The reduced MIP for the request."""
    request.check(problem)
    if request.objective == Objective.PMEDIAN:
        assert request.p is not None
        return formulations.pmedian(problem, request.p)
    assert request.radius_km is not None
    if request.objective == Objective.MCLP:
        assert request.p is not None
        return formulations.mclp(problem, request.p, request.radius_km)
    return formulations.set_cover(problem, request.radius_km)


def run(mip: MipArrays, limits: SolveLimits) -> Outcome:
    """Solve the arrays with HiGHS within the limits."""
    if mip.num_col == 0:
        none = np.zeros(0, dtype=np.intp)
        return Outcome(mip.forced, mip.offset, True, 0.0, mip.offset, none)
    h = _quiet_highs()
    h.setOptionValue("time_limit", float(limits.time_limit_s))
    h.setOptionValue("mip_rel_gap", float(limits.mip_rel_gap))
    h.passModel(_lp(mip))
    start = mip.start_values()
    if start is not None:  # a good start is known: the solver's own heuristics rarely pay
        for name in QUIET_HEURISTICS:
            h.setOptionValue(name, False)
        h.setOptionValue("mip_heuristic_effort", 0.0)
        h.setOptionValue("presolve", "off")
        h.setSolution(mip.num_col, np.arange(mip.num_col, dtype=np.int32), start)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        raise CountyExpressError(
            f"HiGHS found no solution ({h.modelStatusToString(status)}); allow more time"
        )
    values = np.asarray(h.getSolution().col_value)[: len(mip.sites)]
    columns = np.nonzero(values > 0.5)[0].astype(np.intp)
    chosen = np.concatenate([mip.forced, mip.sites[columns]])
    optimal = status == highspy.HighsModelStatus.kOptimal
    gap = float(info.mip_gap)
    if not math.isfinite(gap) or gap < 0:
        gap = math.inf
    return Outcome(
        np.sort(chosen),
        float(info.objective_function_value),
        optimal,
        gap,
        float(info.mip_dual_bound),
        columns,
    )


def _quiet_highs() -> highspy.Highs:
    """A Highs instance that writes nothing: its banner goes to the C stdout, so mute fd 1."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()  # type: ignore[no-untyped-call]
            h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h


def _lp(mip: MipArrays) -> highspy.HighsLp:
    order = np.lexsort((mip.a_row, mip.a_col))
    starts = np.searchsorted(mip.a_col[order], np.arange(mip.num_col + 1))
    lp = highspy.HighsLp()
    lp.num_col_ = mip.num_col
    lp.num_row_ = mip.num_row
    lp.sense_ = highspy.ObjSense.kMaximize if mip.maximise else highspy.ObjSense.kMinimize
    lp.offset_ = mip.offset
    lp.col_cost_ = mip.cost
    lp.col_lower_ = np.zeros(mip.num_col)
    lp.col_upper_ = mip.upper
    lp.row_lower_ = mip.row_lower
    lp.row_upper_ = mip.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = mip.num_col
    lp.a_matrix_.num_row_ = mip.num_row
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = mip.a_row[order].astype(np.int32)
    lp.a_matrix_.value_ = mip.a_val[order]
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
        for i in mip.integer.tolist()
    ]
    return lp


def solve(
    problem: SitingProblem, request: SitingRequest, limits: SolveLimits | None = None
) -> SitingResult:
    """Site p new facilities (or the fewest, for set covering) around the existing ones."""
    limits = limits or SolveLimits()
    began = time.perf_counter()
    request.check(problem)
    if request.objective == Objective.PMEDIAN:
        assert request.p is not None
        outcome = _pmedian(problem, request.p, limits, began)
    else:
        mip = to_model(problem, request)
        if request.objective == Objective.MCLP:
            mip = _rounded_start(mip, began + LP_START_SHARE * limits.time_limit_s)
        left = max(0.01, limits.time_limit_s - (time.perf_counter() - began))
        outcome = run(mip, SolveLimits(left, limits.mip_rel_gap))
    return from_outcome(problem, request, outcome, time.perf_counter() - began)


def _rounded_start(mip: MipArrays, deadline: float) -> MipArrays:
    """MCLP: the p sites the LP relaxation opens most, improved by swaps, when that covers more
    than the greedy start (on heavily overlapping discs greedy + swaps stalls early)."""
    if mip.group_cover is None or mip.start is None or len(mip.sites) <= len(mip.start):
        return mip
    left = deadline - time.perf_counter()
    if left <= 0:
        return mip
    h = _quiet_highs()
    h.setOptionValue("time_limit", left)
    lp = _lp(mip)
    lp.integrality_ = []
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return mip
    y = np.asarray(h.getSolution().col_value)[: len(mip.sites)]
    weight = mip.cost[len(mip.sites) :]
    top = np.argsort(-y, kind="stable")[: len(mip.start)].astype(np.intp)
    other = heuristics.swap_cover(mip.group_cover, weight, top)

    def covered(columns: npt.NDArray[np.intp]) -> float:
        assert mip.group_cover is not None
        return float(weight[mip.group_cover[:, columns].any(axis=1)].sum())

    if covered(other) > covered(mip.start):
        return replace(mip, start=other)
    return mip


def _pmedian(problem: SitingProblem, p: int, limits: SolveLimits, began: float) -> Outcome:
    """A good heuristic solution, the Lagrangian bound and what it proves, then the MIP.

    The Lagrangian tests close candidates, fix others open and bound each point's distance for
    every solution no worse than the heuristic one, so the MIP is solved on what is left; when
    the bound already meets the heuristic solution, no MIP is needed.
    """
    w = problem.weights
    free = np.nonzero(~problem.existing)[0]
    best = formulations.start_pmedian(problem, p, began + HEURISTIC_SHARE * limits.time_limit_s)
    best_km = formulations.served_km(problem, best)
    upper = float(w @ best_km)
    d_free, fixed_km = problem.distances_km[:, free], formulations.existing_km(problem)
    deadline = began + LAGRANGIAN_SHARE * limits.time_limit_s
    red = lagrangian.reduce(d_free, w, fixed_km, p, upper, best_km, deadline=deadline)
    if len(red.relaxed) == p:  # the relaxed solution, improved by swaps, may beat the heuristic
        other = heuristics.interchange(d_free, w, fixed_km, red.relaxed, deadline=deadline)
        other_km = formulations.served_km(problem, other)
        if float(w @ other_km) < upper:
            best, best_km, upper = other, other_km, float(w @ other_km)
            red = lagrangian.reduce(
                d_free, w, fixed_km, p, upper, best_km, red.multipliers, deadline=deadline
            )
    lower = red.lower
    with np.errstate(invalid="ignore"):  # 0 × inf where a point weighs nothing
        costs = np.column_stack([w[:, None] * d_free, w * fixed_km])
    if lagrangian.is_integral(costs, upper):
        lower = lagrangian.round_up(lower)
    if _closed_gap(upper, lower) <= limits.mip_rel_gap:
        return Outcome(np.sort(free[best]), upper, True, _closed_gap(upper, lower), lower, best)
    found = tree.search(
        d_free,
        w,
        fixed_km,
        p,
        best,
        red,
        limits.mip_rel_gap,
        TREE_NODES if p - int(red.opened.sum()) <= TREE_MAX_SITES else 0,
        deadline=began + TREE_SHARE * limits.time_limit_s,
    )
    if found.cost < upper:
        best, upper = found.columns, found.cost
    if found.complete:
        lower = max(lower, found.lower)
        gap = _closed_gap(upper, lower)
        return Outcome(np.sort(free[best]), upper, gap <= limits.mip_rel_gap, gap, lower, best)
    opened = np.nonzero(red.opened)[0].astype(np.intp)
    kept = np.nonzero(~(red.closed | red.opened))[0].astype(np.intp)
    p_left = p - len(opened)
    agrees = not red.closed[best].any() and int(red.opened[best].sum()) == len(opened)
    if agrees and p_left in (0, len(kept)):  # one solution is left: the heuristic one
        return Outcome(np.sort(free[best]), upper, True, 0.0, upper, best)
    if agrees:
        sub = formulations.restrict(problem, red.closed, red.opened)
        position = np.full(len(free), -1, dtype=np.intp)
        position[kept] = np.arange(len(kept))
        start: npt.NDArray[np.intp] | None = position[best][position[best] >= 0]
        reach: npt.NDArray[np.float64] | None = red.reach_km
    else:  # rounding disagreed with the heuristic solution: solve the whole model
        sub, start, reach, p_left = problem, best, None, p
        opened, kept = np.zeros(0, dtype=np.intp), np.arange(len(free), dtype=np.intp)
    cols, sub_upper, sub_lower = _capped(sub, p_left, limits, began, start, reach)
    columns = np.concatenate([opened, kept[cols]]).astype(np.intp)
    if sub_upper < upper:
        best, upper = columns, sub_upper
    lower = max(lower, sub_lower)
    gap = _closed_gap(upper, lower)
    return Outcome(np.sort(free[best]), upper, gap <= limits.mip_rel_gap, gap, lower, best)


def _closed_gap(upper: float, lower: float) -> float:
    if not math.isfinite(lower):
        return math.inf
    return max(0.0, (upper - lower) / max(abs(upper), 1e-12))


def _capped(
    problem: SitingProblem,
    p: int,
    limits: SolveLimits,
    began: float,
    start: npt.NDArray[np.intp] | None,
    reach: npt.NDArray[np.float64] | None,
) -> tuple[npt.NDArray[np.intp], float, float]:
    """Solve relaxations whose far distances are capped, widening the caps a solution crosses.

    Each capped model's optimum is a lower bound; a solution that crosses no cap is optimal.
    The caps start a few distance levels past a good solution. Returns the best free columns
    found, their cost and the lower bound.
    """
    w = problem.weights
    best = formulations.start_pmedian(problem, p) if start is None else start
    best_km = formulations.served_km(problem, best)
    upper = float(w @ best_km)
    limit = formulations.levels_beyond(problem, best_km, PMEDIAN_SLACK_LEVELS)
    lower = -math.inf
    while True:
        left = limits.time_limit_s - (time.perf_counter() - began)
        if left <= 0:
            break
        mip = formulations.pmedian(problem, p, limit, start=best, reach_km=reach)
        out = run(mip, SolveLimits(left, limits.mip_rel_gap))
        lower = max(lower, out.bound)
        km = formulations.served_km(problem, out.columns)
        true = float(w @ km)
        if true < upper:
            best, best_km, upper = out.columns, km, true
        crossed = km > limit
        if not crossed.any() and out.optimal:
            lower = max(lower, out.bound)
            break
        if not crossed.any():  # out of time inside the solver
            break
        limit = np.where(
            crossed, formulations.levels_beyond(problem, km, PMEDIAN_SLACK_LEVELS), limit
        )
    return best, upper, lower


def from_outcome(
    problem: SitingProblem,
    request: SitingRequest,
    outcome: Outcome,
    seconds: float,
) -> SitingResult:
    """The domain result: chosen ids, figures before and after, the unreachable points."""
    existing = problem.existing
    after = existing.copy()
    after[outcome.open_sites] = True
    unreachable: tuple[str, ...] = ()
    unreachable_share = 0.0
    if request.radius_km is not None and request.objective != Objective.PMEDIAN:
        cov = formulations.coverage(problem, request.radius_km)
        unreachable = tuple(problem.demand[i].id for i in cov.unreachable.tolist())
        unreachable_share = cov.unreachable_share
    return SitingResult(
        request=request,
        chosen=tuple(problem.candidates[j].id for j in outcome.open_sites.tolist()),
        objective=outcome.objective,
        optimal=outcome.optimal,
        gap=outcome.gap,
        seconds=seconds,
        before=evaluate(problem, existing.tolist(), request.radius_km),
        after=evaluate(problem, after.tolist(), request.radius_km),
        unreachable=unreachable,
        unreachable_share=unreachable_share,
    )
