"""A thin layer over HiGHS for the mixed-integer programmes of force generation and sectors.

Models are built as sparse matrices and passed to HiGHS through ``highspy``. The result says what
the solver said: ``optimal`` is true only when HiGHS reports an optimal solution (within its
relative gap); branch and bound stopped by its node limit (a count of work, the same on every
machine) is ``node_limit`` with its incumbent and gap, never "optimal". The time limit is only a
safety net: a programme it stops raises :class:`SolverTimeLimit`, because a result cut off by
time would depend on the machine's speed and load.

``highspy`` prints a licence banner on standard output the first time a solver object is made in
a process; it is sent to the null device so that machine-readable output (``--json``) stays clean.
(The HiGHS inside ``scipy.optimize.milp`` prints a debug line on standard output at each improving
solution in the version installed here, which is why it is not used.)

References
----------
Huangfu, Q. & Hall, J. A. J. (2018). Parallelizing the dual revised simplex method. *Mathematical
Programming Computation* 10(1), 119-142 (HiGHS).
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from grudging.errors import InfeasibleError

_banner_lock = threading.Lock()
_banner_done = False


def _highs() -> Any:
    """A silent ``highspy.Highs`` (the first one is made with standard output muted)."""
    import highspy

    global _banner_done
    with _banner_lock:
        if not _banner_done:
            sys.stdout.flush()
            saved = os.dup(1)
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, 1)
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(null)
            _banner_done = True
        else:
            h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    # One thread: the same model gives the same answer whatever the machine's core count.
    h.setOptionValue("threads", 1)
    return h


#: The stages' time limit per solve, seconds: a safety net far above what their node limits take
#: (the slowest node-limited sector programme of a sweep took 16 s alone and 60 s on a loaded
#: two-core machine), so that the node limit, the same everywhere, decides.
SAFETY_SECONDS = 600.0


class SolverTimeLimit(InfeasibleError):
    """HiGHS stopped at its time limit: no answer that depends on the machine's speed is used."""


@dataclass
class MilpBuilder:
    """Accumulates columns and rows of a linear programme with integer columns."""

    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    row_lo: list[float] = field(default_factory=list)
    row_hi: list[float] = field(default_factory=list)

    def add_var(
        self,
        name: str,
        cost: float = 0.0,
        lower: float = 0.0,
        upper: float = np.inf,
        integer: bool = False,
    ) -> int:
        """Add a column; returns its index."""
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        self.names.append(name)
        return len(self.cost) - 1

    def add_binary(self, name: str, cost: float = 0.0) -> int:
        """Add a 0-1 column."""
        return self.add_var(name, cost, 0.0, 1.0, integer=True)

    def add_row(
        self,
        coefs: dict[int, float] | list[tuple[int, float]],
        lower: float = -np.inf,
        upper: float = np.inf,
    ) -> int:
        """Add ``lower <= sum(coef * x) <= upper``; returns the row index."""
        r = len(self.row_lo)
        items = coefs.items() if isinstance(coefs, dict) else coefs
        for j, a in items:
            if a != 0.0:
                self.rows.append(r)
                self.cols.append(j)
                self.vals.append(float(a))
        self.row_lo.append(lower)
        self.row_hi.append(upper)
        return r

    @property
    def n_vars(self) -> int:
        """Number of columns."""
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return len(self.row_lo)

    def matrix(self) -> sparse.csr_array:
        """The constraint matrix."""
        return sparse.csr_array(
            (self.vals, (self.rows, self.cols)), shape=(max(self.n_rows, 1), self.n_vars)
        )


@dataclass(frozen=True)
class MilpSolution:
    """What HiGHS returned."""

    status: str
    optimal: bool
    x: np.ndarray | None
    objective: float | None
    mip_gap: float | None
    dual_bound: float | None
    seconds: float
    message: str
    n_vars: int
    n_rows: int

    @property
    def has_solution(self) -> bool:
        """Whether a feasible point came back (optimal or an incumbent at a limit)."""
        return self.x is not None


def solve(
    model: MilpBuilder,
    maximize: bool = False,
    cost: list[float] | np.ndarray | None = None,
    time_limit: float = SAFETY_SECONDS,
    mip_rel_gap: float = 1e-6,
    extra_rows: list[tuple[dict[int, float], float, float]] | None = None,
    start: np.ndarray | None = None,
    max_nodes: int | None = None,
    limit_fix: str = "the programme is too large for this machine",
) -> MilpSolution:
    """Solve the model (optionally with another objective, a few extra rows, a starting point).

    ``max_nodes`` caps branch and bound by a count of nodes rather than by time: the same model
    then gives the same answer however busy the machine is (a time limit alone does not). A solve
    that reaches ``time_limit`` raises :class:`SolverTimeLimit`, whose message ends with
    ``limit_fix``.
    """
    import highspy

    c = np.asarray(model.cost if cost is None else cost, dtype=float)
    a = model.matrix()
    lo = np.asarray(model.row_lo if model.n_rows else [-np.inf], dtype=float)
    hi = np.asarray(model.row_hi if model.n_rows else [np.inf], dtype=float)
    if extra_rows:
        extra = MilpBuilder()
        extra.cost = [0.0] * model.n_vars
        for coefs, lower, upper in extra_rows:
            extra.add_row(coefs, lower, upper)
        a = sparse.vstack([a, extra.matrix()]).tocsr()
        lo = np.concatenate([lo, extra.row_lo])
        hi = np.concatenate([hi, extra.row_hi])
    csc = sparse.csc_array(a)
    h = _highs()
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    if max_nodes is not None:
        h.setOptionValue("mip_max_nodes", int(max_nodes))
    lp = highspy.HighsLp()
    lp.num_col_ = model.n_vars
    lp.num_row_ = a.shape[0]
    lp.col_cost_ = c
    lp.col_lower_ = np.asarray(model.lower, dtype=float)
    lp.col_upper_ = np.asarray(model.upper, dtype=float)
    lp.row_lower_ = lo
    lp.row_upper_ = hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr
    lp.a_matrix_.index_ = csc.indices
    lp.a_matrix_.value_ = csc.data
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if k else highspy.HighsVarType.kContinuous
        for k in model.integer
    ]
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    h.passModel(lp)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(np.asarray(start, dtype=float))
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    seconds = float(h.getRunTime())
    model_status = h.getModelStatus()
    info = h.getInfo()
    names = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kSolutionLimit: "node_limit",  # mip_max_nodes reached
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kUnbounded: "unbounded",
        highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    }
    status = names.get(model_status, "error")
    if status == "time_limit":
        raise SolverTimeLimit(
            f"HiGHS reached its safety time limit of {time_limit:g} s on a programme of "
            f"{model.n_vars:,} columns and {a.shape[0]:,} rows before its node limit: a result "
            f"cut off by time would depend on this machine's speed, so none is used; {limit_fix}"
        )
    x = None
    if info.primal_solution_status == 2:  # feasible point available
        x = np.asarray(h.getSolution().col_value, dtype=float)
    objective = None if x is None else float(c @ x)
    gap = float(info.mip_gap) if x is not None and np.isfinite(info.mip_gap) else None
    integer = any(model.integer)
    bound = float(info.mip_dual_bound) if integer and np.isfinite(info.mip_dual_bound) else None
    if not integer and x is not None and status == "optimal":
        bound, gap = objective, 0.0
    return MilpSolution(
        status=status,
        optimal=status == "optimal" and x is not None,
        x=x,
        objective=objective,
        mip_gap=gap,
        dual_bound=bound,
        seconds=seconds,
        message=h.modelStatusToString(model_status),
        n_vars=model.n_vars,
        n_rows=a.shape[0],
    )
