"""Why an LP is infeasible, and the least change that makes it feasible.

Everything here works on the LinearProgram alone (rows named as rules, columns as cells):

- `find_iis`: an irreducible infeasible set of bounds. HiGHS's own IIS first (with a time
  limit), our deletion filter as fallback and cross-check. A member is one side of a row
  (`sector_quota[electronics] >= 3000`) or of a column (`allowed[food,airport]`: a cell the
  plan does not allow has upper bound 0; `nonnegative[food,airport]`: land cannot be
  negative). Drop any member and the rest is feasible.
- `certificate`: the Farkas weights of an IIS: a weighted sum of its members that reads
  0 >= a positive number, the arithmetic a person can check.
- `elastic`: the repair. Penalised slack on the bounds the analyst lets move; the optimum is
  the cheapest change (weighted hectares) that makes the plan feasible.

Feasibility checks solve with a zero objective, so "unbounded" never hides "feasible".
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp
from landalloc.formulations.lp import Key, LinearProgram
from landalloc.solver.base import Status
from landalloc.solver.highs import new_highs, status_of

LOWER, UPPER = "lower", "upper"
ROW, COL = "row", "col"
#: HiGHS iis_strategy: 4 = find a true (irreducible) IIS.
IIS_IRREDUCIBLE = 4
DEFAULT_IIS_TIME_LIMIT = 10.0
#: Above this many columns "auto" skips HiGHS's IIS (seconds at 800 columns, 10 s at 3,200).
AUTO_HIGHS_MAX_COLS = 1000


@dataclass(frozen=True)
class Member:
    """One bound of the LP: side `lower` (>= bound) or `upper` (<= bound) of a row or column."""

    where: str  # "row" or "col"
    index: int
    side: str  # "lower" or "upper"

    def bound(self, lp: LinearProgram) -> float:
        if self.where == ROW:
            return float(lp.row_lower[self.index] if self.side == LOWER
                         else lp.row_upper[self.index])
        return float(lp.col_lower[self.index] if self.side == LOWER
                     else lp.col_upper[self.index])

    def key(self, lp: LinearProgram) -> Key:
        """What the bound is, structured: a row's key, or a cell's bound — `allowed` (a
        cell the plan does not allow), `nonnegative` (x ≥ 0) or `cell_min`/`cell_max`."""
        if self.where == ROW:
            return lp.row_key(self.index)
        if self.side == UPPER and lp.col_upper[self.index] == 0:
            kind = "allowed"
        elif self.side == LOWER and lp.col_lower[self.index] == 0:
            kind = "nonnegative"
        else:
            kind = f"cell_{'min' if self.side == LOWER else 'max'}"
        return lp.cell_key(self.index, kind)

    def name(self, lp: LinearProgram) -> str:
        """The rule's name: a row's name, `allowed[s,d]` or `nonnegative[s,d]` for a cell."""
        if self.where == ROW:
            return str(lp.rows["name"].iat[self.index])
        s = lp.sectors[lp.col_sector[self.index]]
        d = lp.districts[lp.col_district[self.index]]
        return f"{self.key(lp).kind}[{s},{d}]"

    @property
    def structural(self) -> bool:
        """x >= 0 is not a rule anyone chose; it is never relaxed."""
        return self.where == COL and self.side == LOWER

    def sort_key(self) -> tuple:
        return (0 if self.where == ROW else 1, self.index, self.side)


@dataclass
class IIS:
    """An irreducible infeasible set and how it was found."""

    members: list[Member]
    method: str  # "highs" or "deletion"
    seconds: float = 0.0
    solves: int = 0
    note: str = ""
    verified: bool | None = None  # None: not checked yet
    verification: str = ""

    def names(self, lp: LinearProgram, structural: bool = False) -> list[str]:
        """Rule names, LP order, each once; x >= 0 bounds only when asked."""
        out: list[str] = []
        for m in sorted(self.members, key=Member.sort_key):
            if m.structural and not structural:
                continue
            n = m.name(lp)
            if n not in out:
                out.append(n)
        return out


# ---------------------------------------------------------------- feasibility checks


class Undecided(Exception):
    """A feasibility check that ended neither optimal nor infeasible (time limit, error)."""


def _finite(v: float) -> float:
    return float(np.clip(v, -highspy.kHighsInf, highspy.kHighsInf))


class _Subsystem:
    """A zero-objective copy of the LP in one Highs, bounds switched on and off cheaply."""

    def __init__(self, lp: LinearProgram, active: Iterable[Member]) -> None:
        self.lp = lp
        self.h = new_highs()
        inf = highspy.kHighsInf
        m = highspy.HighsLp()
        m.num_col_, m.num_row_ = lp.num_col, lp.num_row
        m.col_cost_ = np.zeros(lp.num_col)
        m.col_lower_ = np.full(lp.num_col, -inf)
        m.col_upper_ = np.full(lp.num_col, inf)
        m.row_lower_ = np.full(lp.num_row, -inf)
        m.row_upper_ = np.full(lp.num_row, inf)
        A = lp.A.tocsc()
        m.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        m.a_matrix_.start_ = A.indptr.astype(np.int32)
        m.a_matrix_.index_ = A.indices.astype(np.int32)
        m.a_matrix_.value_ = A.data.astype(float)
        self.h.passModel(m)
        self.solves = 0
        self.rlo = np.full(lp.num_row, -np.inf)
        self.rup = np.full(lp.num_row, np.inf)
        self.clo = np.full(lp.num_col, -np.inf)
        self.cup = np.full(lp.num_col, np.inf)
        for mem in active:
            self.switch(mem, True)

    def switch(self, mem: Member, on: bool) -> None:
        v = mem.bound(self.lp) if on else (-np.inf if mem.side == LOWER else np.inf)
        if mem.where == ROW:
            (self.rlo if mem.side == LOWER else self.rup)[mem.index] = v
            self.h.changeRowBounds(mem.index, _finite(self.rlo[mem.index]),
                                   _finite(self.rup[mem.index]))
        else:
            (self.clo if mem.side == LOWER else self.cup)[mem.index] = v
            self.h.changeColBounds(mem.index, _finite(self.clo[mem.index]),
                                   _finite(self.cup[mem.index]))

    def feasible(self) -> bool:
        self.solves += 1
        self.h.run()
        status = status_of(self.h.getModelStatus())
        if status is Status.OPTIMAL:
            return True
        if status is Status.INFEASIBLE:
            return False
        # Anything else (a warm start gone astray): once more from scratch, no presolve.
        self.h.clearSolver()
        self.h.setOptionValue("presolve", "off")
        self.h.run()
        self.h.setOptionValue("presolve", "choose")
        status = status_of(self.h.getModelStatus())
        if status is Status.OPTIMAL:
            return True
        if status is Status.INFEASIBLE:
            return False
        raise Undecided(self.h.modelStatusToString(self.h.getModelStatus()))


def all_bounds(lp: LinearProgram) -> list[Member]:
    """Every finite bound of the LP, rows first."""
    out = [Member(ROW, i, LOWER) for i in np.flatnonzero(np.isfinite(lp.row_lower))]
    out += [Member(ROW, i, UPPER) for i in np.flatnonzero(np.isfinite(lp.row_upper))]
    out += [Member(COL, j, LOWER) for j in np.flatnonzero(np.isfinite(lp.col_lower))]
    out += [Member(COL, j, UPPER) for j in np.flatnonzero(np.isfinite(lp.col_upper))]
    return [Member(m.where, int(m.index), m.side) for m in out]


def subsystem_feasible(lp: LinearProgram, members: Iterable[Member]) -> bool:
    """Is the system made of these bounds alone (all other bounds dropped) feasible?"""
    return _Subsystem(lp, members).feasible()


def is_feasible(lp: LinearProgram) -> bool:
    """The whole LP, objective ignored."""
    return subsystem_feasible(lp, all_bounds(lp))


def is_irreducible(lp: LinearProgram, members: list[Member]) -> bool:
    """Infeasible as a whole, feasible without any one member (checked by solving)."""
    sub = _Subsystem(lp, members)
    if sub.feasible():
        return False
    for m in members:
        sub.switch(m, False)
        ok = sub.feasible()
        sub.switch(m, True)
        if not ok:
            return False
    return True


# ---------------------------------------------------------------- IIS


def _inequalities(lp: LinearProgram, members: list[Member]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Each member as g·x >= h (a row's or column's upper side negated)."""
    k = len(members)
    where = np.array([m.where == ROW for m in members], dtype=bool)
    idx = np.array([m.index for m in members], dtype=np.int64)
    sign = np.array([1.0 if m.side == LOWER else -1.0 for m in members])
    h = sign * np.array([m.bound(lp) for m in members], dtype=float)
    # rows of G: sign * (a row of A, or a unit vector for a column bound); vectorised
    A_rows = lp.A.tocsr()[idx[where]]
    R = sp.diags(sign[where]) @ A_rows
    C = sp.csr_matrix((sign[~where], (np.arange(int((~where).sum())), idx[~where])),
                      shape=(int((~where).sum()), lp.num_col))
    order = np.concatenate([np.flatnonzero(where), np.flatnonzero(~where)])
    G = sp.vstack([R, C], format="csr")
    inv = np.empty(k, dtype=np.int64)
    inv[order] = np.arange(k)
    return G[inv], h


def certificate(lp: LinearProgram, members: list[Member],
                prefer: Callable[[Member], float] | None = None) -> np.ndarray | None:
    """Farkas weights lam >= 0 with sum lam·g = 0 and sum lam·h = 1 (h as in g·x >= h).

    Adding up the members with these weights reads 0 >= 1: no x satisfies them all. A vertex
    of this set is an IIS (Gleeson & Ryan 1990), so minimising a weighted sum of lam over
    all bounds picks one IIS; over an IIS it is the unique certificate. None if feasible.
    """
    G, h = _inequalities(lp, members)
    k = len(members)
    cost = np.array([prefer(m) if prefer else 1.0 for m in members], float)
    # variables lam (k), rows: G^T lam = 0 (n rows), h·lam = 1
    M = sp.vstack([G.T, sp.csr_matrix(h.reshape(1, -1))], format="csc")
    rhs = np.zeros(lp.num_col + 1)
    # h·lam = the largest |h|, not 1: weights of order one whatever the bounds' size (a
    # quota of 1e12 ha would otherwise need weights below the solver's tolerance)
    rhs[-1] = max(1.0, float(np.abs(h).max(initial=0.0)))
    hl = highspy.HighsLp()
    hl.num_col_, hl.num_row_ = k, lp.num_col + 1
    hl.col_cost_ = cost
    hl.col_lower_ = np.zeros(k)
    hl.col_upper_ = np.full(k, highspy.kHighsInf)
    hl.row_lower_ = rhs
    hl.row_upper_ = rhs
    hl.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    hl.a_matrix_.start_ = M.indptr.astype(np.int32)
    hl.a_matrix_.index_ = M.indices.astype(np.int32)
    hl.a_matrix_.value_ = M.data.astype(float)
    hs = new_highs()
    hs.setOptionValue("solver", "simplex")  # a vertex: one IIS, not a mixture
    hs.passModel(hl)
    hs.run()
    if status_of(hs.getModelStatus()) is not Status.OPTIMAL:
        return None
    lam = np.asarray(hs.getSolution().col_value, float)
    lam[lam < 1e-9 * max(1.0, lam.max(initial=0.0))] = 0.0
    return lam


def verify(lp: LinearProgram, iis: IIS) -> IIS:
    """Check an IIS at the end, whatever found it: its Farkas certificate algebraically
    (lam >= 0, the weighted members cancel in x, their bounds sum to a positive number,
    so adding them reads 0 >= that number) and, by solving, that dropping any one member
    leaves a feasible system. Sets `verified` and says what was checked."""
    G, h = _inequalities(lp, iis.members)
    lam = certificate(lp, iis.members)
    problems = []
    if lam is None:
        problems.append("no Farkas certificate: the set is feasible")
    else:
        scale = max(1.0, float(abs(G).max()) * float(lam.max(initial=0.0)))
        residual = float(np.abs(G.T @ lam).max(initial=0.0))
        bound = float(h @ lam)
        if lam.min(initial=0.0) < 0:
            problems.append("a negative certificate weight")
        if residual > 1e-7 * scale:
            problems.append(f"the weighted members do not cancel (residual {residual:.1e})")
        if not bound > 1e-9 * max(1.0, float(np.abs(h).max(initial=0.0))):
            problems.append("the weighted bounds do not contradict")
    try:
        irreducible = is_irreducible(lp, iis.members)
    except Undecided as e:
        irreducible = None
        problems.append(f"a feasibility check ended undecided ({e})")
    if irreducible is False:
        problems.append("dropping one member does not make the rest feasible")
    iis.verified = not problems
    iis.verification = ("verified: Farkas certificate checked (weights ≥ 0, members cancel, "
                        f"bounds contradict); each of the {len(iis.members)} one-member-"
                        "dropped subsets solved feasible") if not problems else \
        "NOT verified: " + "; ".join(problems)
    return iis


def _highs_iis(lp: LinearProgram, time_limit: float) -> IIS | None:
    from landalloc.solver.highs import to_highs_lp

    h = new_highs()
    h.setOptionValue("iis_strategy", IIS_IRREDUCIBLE)
    h.setOptionValue("iis_time_limit", float(time_limit))
    h.passModel(to_highs_lp(lp))
    t0 = time.perf_counter()
    h.run()
    if h.getModelStatus() not in (highspy.HighsModelStatus.kInfeasible,
                                  highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return None
    status, iis = h.getIis()
    elapsed = time.perf_counter() - t0
    if status != highspy.HighsStatus.kOk or not iis.valid_:
        return None
    members: list[Member] = []
    B = highspy.IisBoundStatus
    for where, idx, bnd in ((ROW, iis.row_index_, iis.row_bound_),
                            (COL, iis.col_index_, iis.col_bound_)):
        for i, b in zip(idx, bnd, strict=True):
            b = int(b)
            if b in (int(B.kIisBoundStatusLower), int(B.kIisBoundStatusBoxed)):
                members.append(Member(where, int(i), LOWER))
            if b in (int(B.kIisBoundStatusUpper), int(B.kIisBoundStatusBoxed)):
                members.append(Member(where, int(i), UPPER))
    if not members:
        return None
    return IIS(sorted(members, key=Member.sort_key), "highs", elapsed)


def _deletion_order(m: Member) -> tuple:
    # Tried first = most likely left out: x >= 0 bounds, then cells, then rows last, so the
    # set keeps the rules an analyst would name.
    return (0 if m.structural else 1 if m.where == COL else 2, m.index, m.side)


def deletion_filter(lp: LinearProgram, candidates: list[Member] | None = None,
                    seed_with_certificate: bool = True) -> IIS | None:
    """Drop each bound in turn; keep it dropped while the rest stays infeasible.

    Starts from the support of a Farkas certificate over `candidates` (all bounds by
    default), which is already infeasible and small, so few solves are needed.
    """
    t0 = time.perf_counter()
    cands = list(candidates) if candidates is not None else all_bounds(lp)
    note = ""
    if seed_with_certificate:
        lam = certificate(lp, cands, prefer=_prefer_rules)
        if lam is not None:
            cands = [m for m, v in zip(cands, lam, strict=True) if v > 0]
        else:
            note = "no certificate; filtering every bound"
    sub = _Subsystem(lp, cands)
    if sub.feasible():
        if not seed_with_certificate:
            return None
        return deletion_filter(lp, candidates, seed_with_certificate=False)
    kept: list[Member] = []
    undecided = 0
    for m in sorted(cands, key=_deletion_order):
        sub.switch(m, False)
        try:
            needed = sub.feasible()
        except Undecided:  # not proven droppable: keep it, and say so
            needed, undecided = True, undecided + 1
        if needed:
            sub.switch(m, True)
            kept.append(m)
    if undecided:
        note = (note + "; " if note else "") + (
            f"{undecided} feasibility checks ended undecided; those bounds were kept")
    return IIS(sorted(kept, key=Member.sort_key), "deletion", time.perf_counter() - t0,
               sub.solves, note)


def _prefer_rules(m: Member) -> float:
    """Certificate weights: make x >= 0 bounds cheap so the chosen IIS leans on rules."""
    return 1e-3 if m.structural else 1.0


def certificate_iis(lp: LinearProgram) -> IIS | None:
    """One LP: the support of a vertex Farkas certificate over every bound is an IIS.

    None when there is no certificate, i.e. the LP is feasible (Farkas' lemma).
    """
    t0 = time.perf_counter()
    cands = all_bounds(lp)
    lam = certificate(lp, cands, prefer=_prefer_rules)
    if lam is None:
        return None
    members = [m for m, v in zip(cands, lam, strict=True) if v > 0]
    return IIS(sorted(members, key=Member.sort_key), "certificate", time.perf_counter() - t0, 1)


def _simplicity(iis: IIS) -> tuple[int, int]:
    return (sum(not m.structural for m in iis.members), len(iis.members))


def find_iis(lp: LinearProgram, method: str = "auto",
             time_limit: float = DEFAULT_IIS_TIME_LIMIT) -> IIS | None:
    """An IIS (verified at the end: see `verify`), or None if the LP is feasible."""
    got = _find_iis(lp, method, time_limit)
    return verify(lp, got) if got is not None else None


def _find_iis(lp: LinearProgram, method: str = "auto",
              time_limit: float = DEFAULT_IIS_TIME_LIMIT) -> IIS | None:
    """An IIS, or None if the LP is feasible.

    method: "highs" (HiGHS's IIS, irreducible strategy, `iis_time_limit`), "deletion" (our
    filter, seeded by a Farkas certificate), "certificate" (that seed alone: one LP), or
    "auto": both HiGHS and the deletion filter, HiGHS's set cross-checked by the filter, and
    the simpler of the two kept (fewer rules); above AUTO_HIGHS_MAX_COLS columns the filter
    alone. IIS are not unique: two right answers can
    differ, and the simpler one is what a person would name. HiGHS timing out or failing
    leaves the filter's answer.
    """
    if method not in ("auto", "highs", "deletion", "certificate"):
        raise ValueError(f"unknown IIS method '{method}' "
                         "(known: auto, highs, deletion, certificate)")
    if method == "certificate":
        return certificate_iis(lp)
    if is_feasible(lp):
        return None
    if method == "deletion":
        return deletion_filter(lp)
    if method == "auto" and lp.num_col > AUTO_HIGHS_MAX_COLS:
        ours = deletion_filter(lp)
        if ours is not None:
            ours.note = f"over {AUTO_HIGHS_MAX_COLS} columns: HiGHS's IIS skipped"
        return ours
    got = _highs_iis(lp, time_limit)
    if method == "highs":
        return got
    ours = deletion_filter(lp)
    if got is None:
        if ours is not None:
            ours.note = "HiGHS gave no IIS (time limit or error); deletion filter used"
        return ours
    checked = deletion_filter(lp, got.members, seed_with_certificate=False)
    if checked is None:
        if ours is not None:
            ours.note = "HiGHS's set was feasible on its own; deletion filter used"
        return ours
    if len(checked.members) < len(got.members):
        got = IIS(checked.members, "highs+deletion", got.seconds + checked.seconds,
                  checked.solves, "HiGHS's set was reducible; the deletion filter reduced it")
    else:
        got.seconds += checked.seconds
        got.solves += checked.solves
        got.note = "HiGHS's set cross-checked by the deletion filter: irreducible"
    if ours is None or _simplicity(got) < _simplicity(ours):
        return got
    if set(ours.members) != set(got.members):
        ours.note = (f"HiGHS found another irreducible set ({len(got.members)} bounds); "
                     "this one has fewer rules")
    else:
        ours.note = "HiGHS's IIS is the same set"
    ours.seconds += got.seconds
    return ours


def iis_names(lp: LinearProgram) -> list[str]:
    """The rule names of one IIS ([] when feasible), for a batch table's column.

    One LP solve: the support of a vertex of the Farkas alternative is an IIS
    (Gleeson & Ryan 1990). Same set as the deletion filter's starting point.
    """
    got = certificate_iis(lp)
    return got.names(lp) if got is not None else []


# ---------------------------------------------------------------- repair


@dataclass
class Change:
    """One bound moved by the elastic LP: which, by how much (ha, or the rule's unit)."""

    member: Member
    name: str
    old: float
    new: float
    slack: float
    weight: float


@dataclass
class Elastic:
    """The elastic LP's answer: minimal weighted violation and the bounds that move."""

    feasible: bool
    objective: float | None
    changes: list[Change] = field(default_factory=list)
    x: np.ndarray | None = None
    message: str = ""


def elastic(lp: LinearProgram, weight_of: Callable[[Member], float | None]) -> Elastic:
    """Minimise sum w·slack over the bounds `weight_of` prices (None: the bound stays).

    A relaxable row side gets a slack column (a·x + s_lo - s_up within [L, U]); a relaxable
    column upper bound (a disallowed cell) becomes infinite with the penalty on x itself.
    """
    A = lp.A.tocsc()
    m, n = lp.num_row, lp.num_col
    cols, slack_members, weights, signs = [], [], [], []
    for mem in all_bounds(lp):
        if mem.where != ROW:
            continue
        w = weight_of(mem)
        if w is None:
            continue
        slack_members.append(mem)
        weights.append(float(w))
        signs.append(1.0 if mem.side == LOWER else -1.0)
        cols.append(mem.index)
    k = len(slack_members)
    S = sp.csc_matrix((np.array(signs), (np.array(cols, dtype=np.int64), np.arange(k))),
                      shape=(m, k))
    cost = np.concatenate([np.zeros(n), np.array(weights, float)])
    col_upper = lp.col_upper.copy()
    col_lower = lp.col_lower.copy()
    cell_members: dict[int, tuple[Member, float]] = {}
    for j in np.flatnonzero(np.isfinite(lp.col_upper)):
        mem = Member(COL, int(j), UPPER)
        w = weight_of(mem)
        if w is None:
            continue
        if lp.col_upper[j] != 0:
            continue  # only the "not allowed" bound (upper 0) is priced per hectare
        col_upper[j] = np.inf
        cost[j] = float(w)
        cell_members[int(j)] = (mem, float(w))
    E = sp.hstack([A, S], format="csc")
    inf = highspy.kHighsInf
    hl = highspy.HighsLp()
    hl.num_col_, hl.num_row_ = n + k, m
    hl.sense_ = highspy.ObjSense.kMinimize
    hl.col_cost_ = cost
    hl.col_lower_ = np.clip(np.concatenate([col_lower, np.zeros(k)]), -inf, inf)
    hl.col_upper_ = np.clip(np.concatenate([col_upper, np.full(k, np.inf)]), -inf, inf)
    hl.row_lower_ = np.clip(lp.row_lower, -inf, inf)
    hl.row_upper_ = np.clip(lp.row_upper, -inf, inf)
    hl.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    hl.a_matrix_.start_ = E.indptr.astype(np.int32)
    hl.a_matrix_.index_ = E.indices.astype(np.int32)
    hl.a_matrix_.value_ = E.data.astype(float)
    h = new_highs()
    h.passModel(hl)
    h.run()
    status = h.getModelStatus()
    if status_of(status) is not Status.OPTIMAL:
        return Elastic(False, None, message=h.modelStatusToString(status))
    obj = float(h.getInfo().objective_function_value)
    sol = _sparsest(h, obj, n, k, list(cell_members), hl.col_upper_)
    x, s = sol[:n], sol[n:]
    changes: list[Change] = []
    for mem, w, v in zip(slack_members, weights, s, strict=True):
        if v <= 1e-7 * max(1.0, abs(mem.bound(lp))):
            continue
        old = mem.bound(lp)
        new = old - v if mem.side == LOWER else old + v
        changes.append(Change(mem, mem.name(lp), old, new, float(v), w))
    for j, (mem, w) in cell_members.items():
        if x[j] > 1e-7:
            changes.append(Change(mem, mem.name(lp), 0.0, float(x[j]), float(x[j]), w))
    changes.sort(key=lambda c: c.member.sort_key())
    return Elastic(True, obj, changes, x)


def _sparsest(h: highspy.Highs, best: float, n: int, k: int, cells: list[int],
              upper: np.ndarray) -> np.ndarray:
    """Among repairs of the same minimal cost, drop moved bounds one at a time (greedy).

    The L1 optimum can spread a change over several rules at no extra cost; pinning a moved
    bound back at its value and re-solving (warm) keeps the cost and gives fewer lines.
    """
    sol = np.asarray(h.getSolution().col_value, float)
    tol = 1e-7 * max(1.0, abs(best))
    priced = [n + i for i in range(k)] + list(cells)
    tried: set[int] = set()
    while True:
        moved = [j for j in priced if sol[j] > 1e-7 and j not in tried]
        if not moved:
            break
        j = max(moved, key=lambda c: sol[c])
        tried.add(j)
        h.changeColBounds(j, 0.0, 0.0)
        h.run()
        if (status_of(h.getModelStatus()) is Status.OPTIMAL
                and h.getInfo().objective_function_value <= best + tol):
            sol = np.asarray(h.getSolution().col_value, float)
        else:
            h.changeColBounds(j, 0.0, float(upper[j]))
            h.run()
            sol = np.asarray(h.getSolution().col_value, float)
    return sol


def weighted_violation(changes: list[Change]) -> float:
    return float(sum(c.weight * c.slack for c in changes))


def snap(v: float, digits: int = 6) -> float:
    """Round away float noise (2899.9999999 -> 2900)."""
    r = round(v, digits)
    return float(r) if math.isfinite(r) else v
