"""One run of the Method of Equal Shares, fast and with exact decisions.

The Add1 completion runs MES hundreds of times (Amsterdam 166 needs 275 runs), so a run must
take milliseconds, yet every decision must be the one exact rational arithmetic takes:
pabutools, our oracle, computes with exact fractions, and one tie broken differently changes the
winners.

A run is therefore a *floating-point filter*, the technique of exact geometric predicates:
budgets live in a NumPy float array with a proven error bound ``eps``; a comparison is decided
on floats only when the floats and their error bounds settle it, and by exact arithmetic
otherwise. The exact side stays cheap through integers over a common denominator ``D``: the price
``pi_r`` of round ``r`` is kept as the integer ``pi_r * D``, and voter ``i``'s exact budget is
``(b * D - sum_r paid[i, r] * (pi_r * D)) / D``, where the integer matrix ``paid`` counts the
utility units voter ``i`` paid ``pi_r`` for; voters who paid all they had are ``exhausted`` and
hold exactly 0. Each round's price is computed exactly, so float budgets never drift by more
than a few rounding errors per round.

Notation: voter ``i`` has utility ``w_i * unit_j`` for project ``j`` (see ``support``). Each
round MES buys the affordable project with the smallest price per unit of utility
``rho = pi / unit``, where ``pi`` solves ``G(pi) = sum_i min(budget_i, pi * w_i) = cost``; ties
go to the smallest project id. ``G`` is concave with ``G(0) = 0``, which gives cheap lower
bounds: ``G(x) < cost`` implies ``pi >= x * cost / G(x)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np

_U = 2.0**-52  # twice the unit roundoff of float64: a safe relative error per operation
_WIDTH = 2.0**-36  # relative half-width of the price interval the filter tries to certify


class MESEngine:
    """The static part of MES, built once per election and reused by every Add1 run.

    Parameters
    ----------
    n_voters : int
        Number of ballots (empty ones included: they hold a share of the budget too).
    supporters : sequence of (voter indices, weights)
        Per project, the voters with positive utility and their integer weights.
    costs, units : sequences of Fraction
        Positive cost and utility unit per project.
    ranks : sequence of int
        Tie-breaking rank per project (0 wins ties): the order of the project ids.
    """

    def __init__(
        self,
        n_voters: int,
        supporters: Sequence[tuple[np.ndarray | Sequence[int], np.ndarray | Sequence[int]]],
        costs: Sequence[Fraction],
        units: Sequence[Fraction],
        ranks: Sequence[int],
    ) -> None:
        self.n = n_voters
        self.m = len(costs)
        self.sup = [np.asarray(v, dtype=np.int64) for v, _ in supporters]
        self.w = [np.asarray(w, dtype=np.int64) for _, w in supporters]
        self.wf = [w.astype(np.float64) for w in self.w]
        self.ones = [bool((w == 1).all()) for w in self.w]
        self.total_w = [int(w.sum()) for w in self.w]
        self.max_w = [int(w.max()) for w in self.w]
        self.desc = [np.arange(len(w), -1, -1, dtype=np.float64) for w in self.w]
        self.costs = list(costs)
        self.cost_f = [float(c) for c in costs]
        self.units = list(units)
        self.unit_f = [float(u) for u in units]
        self.ranks = list(ranks)
        self.lb0 = [  # nobody capped: rho = cost / (unit * all weight), a lower bound
            float(c / (u * t)) * (1 - 4 * _U)
            for c, u, t in zip(costs, units, self.total_w, strict=True)
        ]
        # one column per round, grown on demand: rounds are far fewer than voters x projects
        self.paid = np.zeros((n_voters, min(max(self.m, 1), 32)), dtype=np.int32)
        self.used = 0
        self.hint: list[int] = []

    def run(
        self, budget: Fraction, fits: Callable[[int, list[int]], bool] | None = None
    ) -> list[tuple[int, Fraction]]:
        """Run MES with ``budget`` per voter: the bought projects with their exact ``pi``.

        ``fits(j, bought)`` may veto project ``j`` given what was bought so far (category caps).
        The previous run's purchases are tried first: consecutive Add1 runs mostly agree, and a
        good first candidate lets cheap bounds dismiss the others.
        """
        self.paid[:, : self.used] = 0
        bought = _Run(self, budget, fits).select()
        self.used = len(bought)
        self.hint = [j for j, _ in bought]
        return bought


class _Run:
    def __init__(
        self, engine: MESEngine, budget: Fraction, fits: Callable[[int, list[int]], bool] | None
    ) -> None:
        self.e = engine
        self.fits = fits
        self.bf = float(budget)
        self.bud = np.full(engine.n, self.bf)
        self.exhausted = np.zeros(engine.n, dtype=bool)
        self.den = budget.denominator  # D
        self.b_num = budget.numerator  # b * D
        self.scaled: list[int] = []  # pi_r * D per round
        self.eps = 4 * _U * self.bf  # proven bound on |float budget - exact budget|

    # -- exact side --------------------------------------------------------------------------
    def exact_sum(self, alive: np.ndarray) -> int:
        """Exact total budget of the non-exhausted ``alive`` voters, times ``D``."""
        total = len(alive) * self.b_num
        rounds = len(self.scaled)
        if rounds and len(alive):
            counts = self.e.paid[alive, :rounds].sum(axis=0, dtype=np.int64).tolist()
            total -= sum(c * s for c, s in zip(counts, self.scaled, strict=True) if c)
        return total

    def exact_budget(self, voter: int) -> Fraction:
        if self.exhausted[voter]:
            return Fraction(0)
        row = self.e.paid[voter, : len(self.scaled)].tolist()
        return Fraction(
            self.b_num - sum(c * s for c, s in zip(row, self.scaled, strict=True) if c), self.den
        )

    # -- float side --------------------------------------------------------------------------
    def affordable(self, j: int, bb: np.ndarray) -> bool:
        """Whether the supporters of ``j`` still hold its cost together (``bb``: their budgets)."""
        total = float(bb.sum())
        err = len(bb) * (self.eps + _U * total)
        cost = self.e.cost_f[j]
        if total - err > cost * (1 + 2 * _U):
            return True
        if total + err < cost * (1 - 2 * _U):
            return False
        idx = self.e.sup[j]
        return Fraction(self.exact_sum(idx[~self.exhausted[idx]]), self.den) >= self.e.costs[j]

    def lower_bound(self, j: int, bb: np.ndarray, pi: float) -> float | None:
        """A proven lower bound on ``rho`` of ``j`` if ``G(pi) < cost``, else None.

        ``G`` is concave, so its tangent at ``pi`` lies above it: the exact price is at least
        where the tangent reaches the cost. The tangent's slope is the weight of the voters
        who are not capped at ``pi``, counted generously.
        """
        e = self.e
        if e.ones[j]:
            g = float(np.minimum(bb, pi).sum())
            slope = float(np.count_nonzero(bb > pi * (1 - 4 * _U) - self.eps))
        else:
            reach = pi * e.wf[j]
            g = float(np.minimum(bb, reach).sum())
            slope = float(e.wf[j][bb > reach * (1 - 4 * _U) - self.eps].sum())
        g += len(bb) * self.eps + (len(bb) + 4) * _U * g
        cost = e.cost_f[j] * (1 - 2 * _U)
        if g >= cost:
            return None
        if slope == 0:
            return math.inf
        return (pi + (cost - g) / slope * (1 - 4 * _U)) / e.unit_f[j] * (1 - 8 * _U)

    # -- the rounds --------------------------------------------------------------------------
    def pay(self, view: _View) -> None:
        """Charge the supporters of the bought project: the capped pay all they have."""
        assert view.pi is not None
        pi, gone, stay, stay_w = view.pi, view.gone, view.stay, view.stay_w
        self.exhausted[gone] = True
        self.bud[gone] = 0.0
        rnd = len(self.scaled)
        if rnd == self.e.paid.shape[1]:
            self.e.paid = np.hstack((self.e.paid, np.zeros_like(self.e.paid)))
        if stay_w is None:
            self.bud[stay] = np.maximum(self.bud[stay] - float(pi), 0.0)
            self.e.paid[stay, rnd] = 1
        else:
            self.bud[stay] = np.maximum(self.bud[stay] - float(pi) * stay_w, 0.0)
            self.e.paid[stay, rnd] = stay_w
        new_den = self.den * pi.denominator // math.gcd(self.den, pi.denominator)
        if new_den != self.den:
            factor = new_den // self.den
            self.scaled = [s * factor for s in self.scaled]
            self.b_num *= factor
            self.den = new_den
        self.scaled.append(pi.numerator * (new_den // pi.denominator))
        self.eps += 4 * _U * self.bf

    def select(self) -> list[tuple[int, Fraction]]:
        e = self.e
        remaining = set(range(e.m))
        lower = list(e.lb0)  # proven lower bounds on rho; budgets only fall, so they stay valid
        bought: list[tuple[int, Fraction]] = []
        chosen: list[int] = []
        while True:
            order = sorted(remaining, key=lower.__getitem__)
            hint = e.hint[len(chosen)] if len(chosen) < len(e.hint) else -1
            if hint in remaining:
                order.remove(hint)
                order.insert(0, hint)
            best_hi = math.inf
            found: list[_View] = []
            for j in order:
                if lower[j] > best_hi:
                    break
                if self.fits is not None and not self.fits(j, chosen):
                    remaining.discard(j)
                    continue
                bb = self.bud[e.sup[j]]
                if best_hi < math.inf:
                    bound = self.lower_bound(j, bb, best_hi * e.unit_f[j] * (1 + 4 * _U))
                    if bound is not None:
                        lower[j] = max(lower[j], bound)
                        continue
                if not self.affordable(j, bb):
                    remaining.discard(j)
                    continue
                view = _View(self, j, bb)
                if view.bound(best_hi, lower):
                    best_hi = min(best_hi, view.hi)
                    found.append(view)
            if not found:
                return bought
            contenders = [v for v in found if v.lo <= best_hi]
            for v in contenders:
                v.settle()
            best = contenders[0]
            if len(contenders) > 1:
                best = min(contenders, key=lambda v: (v.rho, e.ranks[v.j]))
            assert best.pi is not None
            self.pay(best)
            remaining.discard(best.j)
            chosen.append(best.j)
            bought.append((best.j, best.pi))


class _View:
    """One project's supporters sorted by budget per weight unit (their *key*).

    Sorting once makes ``G(x)`` a binary search plus a prefix sum, and makes the voters a price
    caps a prefix of the order: estimating, certifying, computing exactly and paying all reuse
    the one sort.
    """

    def __init__(self, run: _Run, j: int, bb: np.ndarray) -> None:
        e = run.e
        self.run, self.j = run, j
        if e.ones[j]:
            self.order = np.argsort(bb, kind="stable")
            self.keys = self.bs = bb[self.order]
            self.ws: np.ndarray | None = None
            self.suf_w = e.desc[j]
        else:
            keys = bb / e.wf[j]
            self.order = np.argsort(keys, kind="stable")
            self.keys, self.bs = keys[self.order], bb[self.order]
            self.ws = e.w[j][self.order]
            self.suf_w = e.total_w[j] - np.concatenate(([0.0], np.cumsum(self.ws, dtype=float)))
        self.pre_b = np.concatenate(([0.0], np.cumsum(self.bs)))
        self.n = len(bb)
        self.lo = self.hi = 0.0  # bounds on rho
        self.interval: tuple[float, float] | None = None  # certified bounds on pi
        self.pi: Fraction | None = None
        self.gone = self.stay = np.empty(0, dtype=np.int64)
        self.stay_w: np.ndarray | None = None

    def spend(self, x: float) -> tuple[float, float]:
        """``G(x)`` in floats with a proven error bound, by binary search on the keys."""
        a = int(np.searchsorted(self.keys, x))
        g = float(self.pre_b[a] + x * self.suf_w[a])
        e, n = self.run.e, self.n
        return g, n * (self.run.eps + _U * x * e.max_w[self.j]) + (n + 4) * _U * g

    def estimate(self) -> float | None:
        """The float ``pi`` by pabutools' scan, or None when the floats find none."""
        cost = self.run.e.cost_f[self.j]
        pis = (cost - self.pre_b[:-1]) / self.suf_w[:-1]
        ok = np.flatnonzero(pis <= self.bs if self.ws is None else pis * self.ws <= self.bs)
        if not ok.size:
            return None
        pi = float(pis[ok[0]])
        return pi if pi > 0 and math.isfinite(pi) else None

    def bound(self, best_hi: float, lower: list[float]) -> bool:
        """Certify bounds on ``rho``; False once the project is proven to lose this round.

        ``lower[j]`` is raised to what was proven.
        """
        e, j = self.run.e, self.j
        cost, unit = e.cost_f[j], e.unit_f[j]
        pi = self.estimate()
        for width in (_WIDTH, _WIDTH * 2.0**14) if pi is not None else ():
            assert pi is not None
            lo, hi = pi * (1 - width), pi * (1 + width)
            g, err = self.spend(lo)
            if g + err >= cost * (1 - 2 * _U):
                continue
            lower[j] = max(lower[j], lo / unit * (1 - 4 * _U))
            if lower[j] > best_hi:
                return False
            g, err = self.spend(hi)
            if g - err > cost * (1 + 2 * _U):
                self.lo, self.hi, self.interval = lower[j], hi / unit * (1 + 4 * _U), (lo, hi)
                return True
        self.settle()
        rho = float(self.rho)
        self.lo, self.hi = rho * (1 - 4 * _U), rho * (1 + 4 * _U)
        lower[j] = max(lower[j], self.lo)
        return True

    def settle(self) -> None:
        """The exact ``pi``, and who it caps: pabutools' scan, in exact arithmetic only for the
        voters whose keys are too close to the certified interval to classify in floats."""
        if self.pi is not None:
            return
        run, e, j = self.run, self.run.e, self.j
        if self.interval is None:
            a1, a2 = 0, self.n
        else:
            lo, hi = self.interval
            a1 = int(np.searchsorted(self.keys, lo * (1 - 6 * _U) - run.eps, "left"))
            a2 = int(np.searchsorted(self.keys, hi * (1 + 6 * _U) + 2 * run.eps, "right"))
        voters = e.sup[j][self.order]
        capped = voters[:a1]
        base = run.exact_sum(capped[~run.exhausted[capped]]) if a1 else 0
        weights = self.ws
        weight = self.n - a1 if weights is None else int(weights[a1:].sum())
        cost = e.costs[j]
        if a1 == a2:  # the common case: the floats classify every voter, one exact division
            if weight == 0:
                raise ArithmeticError(f"project {j} is not affordable")  # callers checked
            self.pi = Fraction(
                cost.numerator * run.den - base * cost.denominator,
                cost.denominator * run.den * weight,
            )
            if self.pi <= 0:  # the floats misled us: classify everyone exactly
                self.pi, self.interval = None, None
                return self.settle()
            self.gone, self.stay = capped, voters[a1:]
            self.stay_w = None if weights is None else weights[a1:]
            return
        self._settle_near(voters, a1, a2, base, weight)

    def _settle_near(self, voters: np.ndarray, a1: int, a2: int, base: int, weight: int) -> None:
        run, e, j = self.run, self.run.e, self.j
        weights = np.ones(self.n, dtype=np.int64) if self.ws is None else self.ws
        budgets = {t: run.exact_budget(int(voters[t])) for t in range(a1, a2)}
        near = sorted(budgets, key=lambda t: budgets[t] / int(weights[t]))
        cost = e.costs[j]
        rest = Fraction(
            cost.numerator * run.den - base * cost.denominator, cost.denominator * run.den
        )
        taken = 0
        while True:
            if weight == 0:
                raise ArithmeticError(f"project {j} is not affordable")  # callers checked
            pi = rest / weight
            if taken == len(near) or pi * int(weights[near[taken]]) <= budgets[near[taken]]:
                break
            rest -= budgets[near[taken]]
            weight -= int(weights[near[taken]])
            taken += 1
        if pi <= 0 and self.interval is not None:  # the floats misled us: classify everyone
            self.interval = None
            return self.settle()
        gone = np.concatenate((np.arange(a1), np.asarray(near[:taken], dtype=np.int64)))
        keep = np.ones(self.n, dtype=bool)
        keep[gone] = False
        self.pi = pi
        self.gone, self.stay = voters[gone], voters[keep]
        self.stay_w = None if self.ws is None else weights[keep]

    @property
    def rho(self) -> Fraction:
        """The exact price per unit of utility (once settled)."""
        assert self.pi is not None
        return self.pi / self.run.e.units[self.j]
