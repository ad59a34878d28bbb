"""Method of Equal Shares + Add1 + greedy completion: ours against pabutools, same run.

A neighbourhood that wants to see "what would equal shares have funded?" should get the answer
while it waits, not after a coffee: every stored Pabulib instance must take under 2 s, and on
Warszawa 2023 Ochota (81 projects, 4392 voters, about 150 Add1 runs) we must be at least 50
times faster than pabutools, the reference implementation, with identical winners in the same
order. Both libraries run the rule on an already parsed election; parsing is not timed. Our time
is the best of three runs (it includes the per-voter payment details the explanations use).

Run: ``.venv/bin/python benchmarks/bench_mes.py [--pabutools-all]``. Exits 1 when winners differ,
when ours takes 2 s or more anywhere, or when the speed-up on Warszawa is below 50.
The data lives outside the repository, in ``../shared/data/pabulib`` (see PROVENANCE.md there).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "pabulib"
REFERENCE = "Poland_Warszawa_2023_Ochota.pb"
BUDGET_SECONDS = 2.0
MIN_SPEEDUP = 50.0


def ours(text: str, name: str) -> tuple[list[str], float]:
    from wijkkompas.budgeting import method_of_equal_shares, parse_pabulib

    instance = parse_pabulib(text, name=name)
    best = float("inf")
    selected: list[str] = []
    for _ in range(3):
        start = time.perf_counter()
        selected = method_of_equal_shares(instance).selected
        best = min(best, time.perf_counter() - start)
    return selected, best


def theirs(text: str, name: str) -> tuple[list[str], float]:
    sys.path.insert(0, str(ROOT))
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )
    from tests.budgeting.oracle import sat_classes

    from wijkkompas.budgeting import parse_pabulib

    election, profile = parse_pabulib_from_string(text)
    mes_sat, greedy_sat = sat_classes(parse_pabulib(text, name=name))
    start = time.perf_counter()
    outcome = completion_by_rule_combination(
        election,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": mes_sat, "voter_budget_increment": 1}, {"sat_class": greedy_sat}],
    )
    return [p.name for p in outcome], time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pabutools-all",
        action="store_true",
        help="also run pabutools on every instance (about 3 minutes), not only on Warszawa",
    )
    args = parser.parse_args()
    files = sorted(DATA.glob("*.pb"))
    if not files:
        print(f"no .pb files in {DATA}; see the project's data README", file=sys.stderr)
        return 1
    failures = []
    print(f"{'instance':40} {'ours (s)':>9} {'pabutools (s)':>14} {'speed-up':>9}  winners")
    for path in files:
        text = path.read_bytes().decode("utf-8-sig")
        selected, mine = ours(text, path.name)
        if mine >= BUDGET_SECONDS:
            failures.append(f"{path.name}: ours took {mine:.2f} s (budget {BUDGET_SECONDS} s)")
        ref, speedup, verdict = "-", "-", "-"
        if args.pabutools_all or path.name == REFERENCE:
            expected, seconds = theirs(text, path.name)
            ref, speedup = f"{seconds:.2f}", f"{seconds / mine:.0f}x"
            verdict = "identical" if selected == expected else "DIFFERENT"
            if selected != expected:
                failures.append(f"{path.name}: winners differ from pabutools")
            if path.name == REFERENCE and seconds / mine < MIN_SPEEDUP:
                failures.append(f"{path.name}: speed-up {seconds / mine:.0f}x < {MIN_SPEEDUP:.0f}x")
        print(f"{path.name:40} {mine:9.3f} {ref:>14} {speedup:>9}  {verdict}", flush=True)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
