"""Whole-country benchmark of the index engine: ``python benchmarks/bench_index.py``.

Not a test (house rule: benchmarks print, they do not assert). It builds a seeded synthetic panel
in the real shape (342 gemeenten, ~3,400 wijken, ~15,500 buurten; 100 indicators; 12 years),
then times

* ``fit_reference`` (once per release, not per run);
* ``score`` for all years, best of ``--repeats``, with the share of time per step;
* the same scoring written as a straightforward pandas groupby/apply, on a subset of gemeenten
  (it is far too slow for the whole country), checked to give the same totals, and the ratio;
* ``uncertainty`` with 1,000 draws for one year, method-only and full (data, reference,
  leave-one-out, coverage);
* ``hotspots`` with 999 permutations for one year (buurten, queen contiguity from WKB squares).

Timings are wall-clock seconds on whatever machine runs this; the load average is printed
alongside, because a busy machine inflates them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wijkkompas.index import (
    EngineOptions,
    Panel,
    fit_reference,
    hotspots,
    score,
    uncertainty,
)
from wijkkompas.index.spec import GROUPS
from wijkkompas.index.synthetic import synthetic_panel, synthetic_spec
from wijkkompas.process import reuse_freed_memory


def timed(fn, *args, **kwargs):
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start, time.process_time() - cpu


def pandas_baseline(panel: Panel, spec, reference, options: EngineOptions) -> pd.Series:
    """The same scoring written the obvious way with pandas group-bys: own figures carried
    forward up to ``carry_years``, parent imputation (wijk from gemeente, then buurt from wijk),
    fixed-reference z-scores clipped to ±clip, weighted group means over the figures present,
    a group counted only with at least one own figure, the total as the weighted mean of at
    least ``min_groups`` groups, suppression of small populations. No shrinkage, and the
    synthetic indicators have no proxies, transforms, deflators or residential-only rates."""
    ids = list(spec.ids)
    regions = panel.regions
    grid = pd.MultiIndex.from_product(
        [regions["region_code"], panel.years, ids], names=["region_code", "year", "indicator_id"]
    )
    long = pd.Series(panel.matrix(ids).transpose(1, 0, 2).ravel(), index=grid, name="value")
    df = long.reset_index().merge(regions, on="region_code")
    # Carry forward: the newest own figure of the last ``carry_years`` years.
    df["seen"] = df["year"].where(df["value"].notna())
    by = df.groupby(["region_code", "indicator_id"], sort=False)
    df["last_year"] = by["seen"].ffill()
    df["last_value"] = by["value"].ffill()
    carry = pd.Series({i.id: i.carry_years for i in spec.indicators})
    reach = df["year"] - df["last_year"] <= df["indicator_id"].map(carry)
    df["value"] = df["value"].fillna(df["last_value"].where(reach))
    df["observed"] = df["value"].notna()
    for child, key in (("wijk", "gemeente_code"), ("buurt", "wijk_code")):
        parents = df[["region_code", "year", "indicator_id", "value"]].rename(
            columns={"region_code": key, "value": "parent_value"}
        )
        df = df.merge(parents, on=[key, "year", "indicator_id"], how="left")
        fill = (df["level"] == child) & df["value"].isna()
        df.loc[fill, "value"] = df.loc[fill, "parent_value"]
        df = df.drop(columns="parent_value")
    k_of = {ind: k for k, ind in enumerate(ids)}
    k = df["indicator_id"].map(k_of).to_numpy()
    z = spec.signs[k] * (df["value"].to_numpy() - reference.centre[k]) / reference.spread[k]
    df["z"] = np.clip(z, -reference.clip, reference.clip)
    member = pd.DataFrame(
        [
            (ind, GROUPS[g], reference.weights.indicator[k, g])
            for k, ind in enumerate(ids)
            for g in range(len(GROUPS))
            if reference.weights.indicator[k, g] > 0
        ],
        columns=["indicator_id", "group", "w"],
    )
    df = df.merge(member, on="indicator_id")

    def group_score(g: pd.DataFrame) -> float:
        have = g["z"].notna()
        if not (have & g["observed"]).any():
            return np.nan
        return float((g["z"][have] * g["w"][have]).sum() / g["w"][have].sum())

    groups = df.groupby(["region_code", "year", "group"])[["z", "w", "observed"]].apply(group_score)
    a = pd.Series(reference.weights.group, index=list(GROUPS))

    def total_score(s: pd.Series) -> float:
        s = s.dropna()
        weights = a.reindex(s.index.get_level_values("group")).to_numpy()
        if (weights > 0).sum() < options.min_groups:
            return np.nan
        return float((s.to_numpy() * weights).sum() / weights.sum())

    total = groups.groupby(["region_code", "year"]).apply(total_score)
    population = pd.Series(
        panel.population.T.ravel(),
        index=pd.MultiIndex.from_product(
            [regions["region_code"], panel.years], names=["region_code", "year"]
        ),
    )
    total[population.reindex(total.index) < options.suppression_threshold] = np.nan
    return total.rename("total")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gemeenten", type=int, default=342)
    parser.add_argument("--wijken", type=int, default=10, help="wijken per gemeente")
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--years", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--baseline-gemeenten", type=int, default=12)
    args = parser.parse_args()

    # As the command line does at start (see wijkkompas.process): timings are of that process.
    reused = reuse_freed_memory()
    print(
        f"machine: {os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f}; "
        f"freed memory reused: {reused}"
    )
    spec = synthetic_spec(args.indicators)
    years = tuple(range(2025 - args.years, 2025))
    (panel, wkb), t_gen, _ = timed(synthetic_panel, spec, args.gemeenten, args.wijken, years)
    levels = panel.regions["level"].value_counts().to_dict()
    print(
        f"panel: {len(panel.regions):,} regions ({levels}), {len(spec.ids)} indicators, "
        f"{len(years)} years = {panel.values[:, :, : len(spec.ids)].size:,} cells "
        f"(generated in {t_gen:.1f} s)"
    )

    options = EngineOptions()
    reference, t_fit, _ = timed(fit_reference, panel, spec, options)
    print(f"fit_reference (once per release): {t_fit:.2f} s")

    runs = []
    for _ in range(args.repeats):
        steps: dict[str, float] = {}
        result, wall, cpu = timed(score, panel, spec, reference, options, timings=steps)
        runs.append((wall, cpu, steps))
        del result
    wall, cpu, steps = min(runs, key=lambda r: r[0])
    median = float(np.median([r[0] for r in runs]))
    print(
        f"\nscore, all {len(years)} years: best {wall:.3f} s, median {median:.3f} s "
        f"(CPU {cpu:.3f} s) over {args.repeats} runs; target ≤ 1 s"
    )
    total = sum(steps.values())
    for name, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"  {name:28s} {seconds:7.3f} s  {100 * seconds / total:5.1f}%")

    # Baseline on a subset: the pandas version takes minutes for the whole country.
    keep = (
        panel.regions["gemeente_code"]
        .isin(
            panel.regions.loc[panel.regions["level"] == "gemeente", "region_code"][
                : args.baseline_gemeenten
            ]
        )
        .to_numpy()
    )
    sub = panel.select(keep)
    plain = options.replace(shrinkage="none")
    ref_plain = fit_reference(panel, spec, plain)
    engine_sub, t_engine_sub, _ = timed(score, sub, spec, ref_plain, plain)
    base, t_base, _ = timed(pandas_baseline, sub, spec, ref_plain, plain)
    ours = engine_sub.scores.assign(region_code=lambda d: d["region_code"].astype(str))
    ours = ours.set_index(["region_code", "year"])["total"]
    diff = np.nanmax(np.abs(ours.reindex(base.index).to_numpy() - base.to_numpy()))
    same_nan = np.array_equal(
        np.isnan(ours.reindex(base.index).to_numpy()), np.isnan(base.to_numpy())
    )
    scale = len(panel.regions) / len(sub.regions)
    print(
        f"\npandas groupby/apply baseline on {args.baseline_gemeenten} gemeenten "
        f"({len(sub.regions):,} regions × {len(years)} years, no shrinkage on either side):"
    )
    print(
        f"  baseline {t_base:.2f} s, engine {t_engine_sub:.3f} s: ratio {t_base / t_engine_sub:.0f}×"
        f" (max |Δ total| = {diff:.1e}, same missing: {same_nan})"
    )
    print(
        f"  baseline extrapolated to the whole country (× {scale:.0f}): {t_base * scale:.0f} s "
        f"vs engine {wall:.3f} s: ratio {t_base * scale / wall:.0f}×"
    )

    year = years[-1]
    unc, t_unc, _ = timed(uncertainty, panel, spec, reference, options, year=year, draws=args.draws)
    print(
        f"\nuncertainty, {args.draws} draws, {year}: {t_unc:.2f} s (target ≤ 15 s); "
        f"median 5–95% rank interval of buurten: "
        f"{(unc.ranks['rank_p95'] - unc.ranks['rank_p05'])[unc.ranks['level'] == 'buurt'].median():.0f} ranks"
    )
    print(
        "  first-order sensitivity: "
        + ", ".join(f"{r.choice} {r.first_order:.2f}" for r in unc.sensitivity.itertuples())
    )
    full, t_full, _ = timed(
        uncertainty, panel, spec, reference, options, year=year, draws=args.draws, full=True
    )
    print(
        f"full uncertainty (data, reference, leave-one-out, coverage too), {args.draws} draws, "
        f"{year}: {t_full:.2f} s (target ≤ 15 s; {t_full / t_unc:.1f}× the method-only run); "
        f"median interval of buurten: "
        f"{(full.ranks['rank_p95'] - full.ranks['rank_p05'])[full.ranks['level'] == 'buurt'].median():.0f} ranks"
    )
    print(
        "  first-order sensitivity: "
        + ", ".join(f"{r.choice} {r.first_order:.2f}" for r in full.sensitivity.itertuples())
    )

    result = score(panel, spec, reference, options)
    start = time.perf_counter()
    import esda  # noqa: F401  (imported here, not timed below: PySAL takes seconds to import)
    import libpysal  # noqa: F401

    t_import = time.perf_counter() - start
    hs, t_hs, _ = timed(hotspots, result, wkb, year, permutations=args.permutations)
    counts = hs["lisa_cluster"].value_counts().to_dict()
    print(
        f"\nhotspots, {args.permutations} permutations, {year}, {len(hs):,} buurten: {t_hs:.2f} s "
        f"(target ≤ 10 s; includes building queen weights, not the {t_import:.1f} s PySAL "
        f"import); LISA after FDR: {counts}"
    )
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")
    budgets = {
        "score, all years ≤ 1 s": wall <= 1.0,
        "uncertainty, method and weights ≤ 15 s": t_unc <= 15.0,
        "full uncertainty ≤ 15 s": t_full <= 15.0,
        "hotspots ≤ 10 s": t_hs <= 10.0,
    }
    missed = [name for name, ok in budgets.items() if not ok]
    print("budgets missed: " + (", ".join(missed) if missed else "none"))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
