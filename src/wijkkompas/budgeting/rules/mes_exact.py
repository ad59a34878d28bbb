"""Replay one MES run in plain fractions, for the explanation of every payment.

The engine decides which projects are bought; this replay follows those purchases in exact
arithmetic and records who paid what. It also checks the engine: in every round the payments
must add up to exactly the project's cost, which holds only for the right price, so a wrong
price fails loudly instead of being explained.

Voters who have paid the same so far hold the same budget, so budgets are kept per *class* of
voters and each distinct payment is computed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from wijkkompas.budgeting.rules.exact import exact_sum
from wijkkompas.budgeting.rules.result import MESRound
from wijkkompas.budgeting.rules.support import Utilities


@dataclass
class Wallets:
    """Every voter's budget as ``values[classes[voter]]``."""

    classes: np.ndarray
    values: list[Fraction]

    def total(self, voters: np.ndarray) -> Fraction:
        counts = np.bincount(self.classes[voters], minlength=len(self.values))
        present = np.flatnonzero(counts).tolist()
        return exact_sum([self.values[c] for c in present], counts[present].tolist())


def replay(
    util: Utilities,
    voter_ids: Sequence[str],
    budget: Fraction,
    bought: Sequence[tuple[int, Fraction]],
    support: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[list[MESRound], Wallets]:
    """The rounds of a run with per-voter payments, and the budgets left after it.

    ``bought`` lists (project index, ``pi``) in purchase order; ``pi`` is the price per weight
    unit, so a supporter with weight ``w`` pays ``min(budget, pi * w)``.
    """
    wallets = Wallets(np.zeros(util.num_ballots, dtype=np.int64), [budget])
    known = {(budget.numerator, budget.denominator): 0}  # one class per distinct budget
    rounds: list[MESRound] = []
    for number, (j, pi) in enumerate(bought, start=1):
        voters, weights = support[j]
        top = int(weights.max()) + 1
        keys = wallets.classes[voters] * top + weights
        unique, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse)
        pays: list[Fraction] = []
        fresh: list[int] = []
        for key in unique.tolist():
            old, w = divmod(key, top)
            pay = min(wallets.values[old], pi * w)
            pays.append(pay)
            left = wallets.values[old] - pay
            # Keyed by numerator and denominator: hashing a Fraction is a modular inverse in
            # Python, hashing two integers is not (fractions are kept in lowest terms).
            ratio = (left.numerator, left.denominator)
            if ratio not in known:
                known[ratio] = len(wallets.values)
                wallets.values.append(left)
            fresh.append(known[ratio])
        wallets.classes[voters] = np.asarray(fresh, dtype=np.int64)[inverse]
        total = exact_sum(pays, counts.tolist())
        if total != util.costs[j]:
            raise RuntimeError(
                f"MES replay: payments for project {util.project_ids[j]} add up to {total}, "
                f"not its cost {util.costs[j]}; this is a defect in wijkkompas."
            )
        payments = {
            voter_ids[v]: pays[t]
            for v, t in zip(voters.tolist(), inverse.tolist(), strict=True)
            if pays[t]
        }
        rounds.append(
            MESRound(
                number=number,
                project=util.project_ids[j],
                cost=util.costs[j],
                rho=pi / util.units[j],
                payments=payments,
            )
        )
    return rounds, wallets
