"""Write docs/validity.md: what feeds each score on real data, and how the index agrees with
independent measures. Run it after any change to the catalogue, the reference or the engine:

    .venv/bin/python scripts/validity.py            # rewrite docs/validity.md
    .venv/bin/python scripts/validity.py --check    # exit 1 if docs/validity.md is out of date

It imports the real public files of ../shared/data (see PROVENANCE.md there) into a temporary
store, the way an analyst would, and scores every gemeente against the reference shipped with
the catalogue. The data files never enter the project; only these tables do.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from fit_default_reference import IMPORTS  # noqa: E402
from fit_default_reference import build_store as fit_store  # noqa: E402

from wijkkompas.catalogue import load_catalogue  # noqa: E402
from wijkkompas.index.spec import GROUP_NAMES, GROUPS  # noqa: E402
from wijkkompas.services.scoring import IndexRun, run_index  # noqa: E402
from wijkkompas.services.validation import (  # noqa: E402
    agreement_with_leefbaarometer,
    agreement_with_ses_woa,
    coverage,
    extremes,
)
from wijkkompas.store import AnalyticStore  # noqa: E402

DOC = ROOT / "docs" / "validity.md"
EXTRA_IMPORTS: list[tuple[list[str], dict[str, object]]] = [
    (["ses_woa/SES_WOA_scores_per_wijk_en_buurt_25042023_160857.csv"], {}),
    (["leefbaarometer/utrecht_gemeente/utrecht_GM0344_leefbaarometer3_buurten_2002-2024.csv"], {}),
]
MATRIX: list[tuple[str, str, int]] = [
    ("Amsterdam", "GM0363", 2017),
    ("Amsterdam", "GM0363", 2019),
    ("Utrecht", "GM0344", 2023),
    ("Utrecht", "GM0344", 2024),
    ("Rotterdam", "GM0599", 2017),
    *[("Heerlen", "GM0917", y) for y in range(2016, 2021)],
    ("Baarn", "GM0308", 2020),
    ("Baarn", "GM0308", 2024),
]
"""The gemeente-years of the coverage matrix (issue 12)."""
GROUP_TITLES = {key: dutch for key, (dutch, _english) in GROUP_NAMES.items()}
REGIONS = {"all": "alle", "residential": "woongebieden"}
"""How each set of regions of an agreement is named in the tables."""
GENERATED = "<!-- generated: "
"""Lines starting with this name the commit and date; ``--check`` ignores them."""


def build_store(folder: Path) -> AnalyticStore:
    return fit_store(folder, [*IMPORTS, *EXTRA_IMPORTS], "validity.duckdb")


def git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def runs(store: AnalyticStore) -> dict[str, IndexRun]:
    return {
        code: run_index(store, gemeente=code, draws=0, save=False)
        for code in dict.fromkeys(c for _, c, _ in MATRIX)
    }


def coverage_section(store: AnalyticStore, scored: dict[str, IndexRun]) -> list[str]:
    header = ["Gemeente-jaar", *(GROUP_TITLES[g] for g in (*GROUPS, "total"))]
    lines = [
        "## 1. Dekking: welke bronnen elke score voeden",
        "",
        "Per gemeente-jaar en score: de bronnen (met de periode van hun cijfers) waarvan de eigen",
        "cijfers van de buurten de score voeden, en het aandeel woonbuurten dat de score heeft",
        "(200 of meer inwoners en niet *vooral geen woongebied*, zie §6: daar tellen misdrijven per",
        "inwoner bewust niet mee). *geen*: geen bron in de catalogus levert hier een cijfer. Eigen",
        "cijfers tellen ook als ze uit een eerdere editie zijn doorgeschoven (met hun eigen",
        "periode); cijfers van de wijk of gemeente (imputatie) tellen niet. Een afgeleid cijfer",
        "noemt de bronnen van teller en noemer.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    files: set[str] = set()
    for name, code, year in MATRIX:
        cells = []
        for item in coverage(scored[code], store, year):
            files.update(item.files)
            if not item.sources:
                cells.append("geen")
            else:
                cells.append(f"{' · '.join(item.sources)} ({item.share:.0%})")
        buurten = coverage(scored[code], store, year)[0].buurten
        lines.append(f"| {name} {year} ({buurten} buurten) | " + " | ".join(cells) + " |")
    lines += ["", "Bestanden (in `../shared/data`):", ""]
    lines += [f"- `{f}`" for f in sorted(files)]
    return [*lines, ""]


def agreement_section(store: AnalyticStore, scored: dict[str, IndexRun]) -> list[str]:
    lines = [
        "## 2. Overeenstemming met de Leefbaarometer 3.0 (Utrecht)",
        "",
        "Spearman ρ tussen onze score en die van de Leefbaarometer, per jaar, met een",
        "bootstrap-interval (95 %, 1.000 trekkingen van buurten). Elk van onze jaren wordt",
        "gekoppeld aan de nieuwste Leefbaarometer-meting op of voor dat jaar (onze 2023 aan",
        "hun 2022), op dezelfde buurtcodes. De Leefbaarometer is een onafhankelijke maat: een",
        "regressie op oordelen van bewoners en woningprijzen.",
        "",
        "Elke ρ staat er twee keer: over alle buurten met beide scores, en over de woonbuurten",
        "alleen (200 of meer inwoners en niet *vooral geen woongebied*, de regel van §6, vastgelegd in",
        "de catalogus-commit hierboven). Beide indices beschrijven waar mensen wonen; in een",
        "buurt die vooral kantoren, park of polder is, laat onze index de cijfers per inwoner",
        "weg en zegt hij dat de buurt niet zonder meer te vergelijken is.",
        "",
        "| Niveau | Gebieden | Ons jaar | Leefbaarometer | Score | Maat | n | ρ | 95 %-interval |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for a in agreement_with_leefbaarometer(scored["GM0344"], store):
        lines.append(
            f"| {a.level} | {REGIONS[a.regions]} | {a.our_year} | {a.their_year} | {a.score} | "
            f"{a.measure} | {a.n} | {a.rho:.3f} | {a.low:.2f} – {a.high:.2f} |"
        )
    lines += [
        "",
        "## 3. Sociaal-economische zekerheid tegen SES-WOA (Amsterdam)",
        "",
        "Een constructiecontrole, geen onafhankelijke toets: SES-WOA komt uit dezelfde registers",
        "(inkomen, vermogen, opleiding, arbeid). SES-WOA zelf zit niet in de index.",
        "",
        "| Niveau | Gebieden | Jaar | n | ρ | 95 %-interval |",
        "|---|---|---|---|---|---|",
    ]
    for a in agreement_with_ses_woa(scored["GM0363"], store):
        lines.append(
            f"| {a.level} | {REGIONS[a.regions]} | {a.our_year} | {a.n} | {a.rho:.3f} | "
            f"{a.low:.2f} – {a.high:.2f} |"
        )
    return [*lines, ""]


def trend_section(scored: dict[str, IndexRun]) -> list[str]:
    table = scored["GM0363"].table
    rows = table[(table["level"] == "buurt") & (table["year"] == 2019)]
    counts = rows["trend"].astype(str).value_counts()
    baskets = rows["trend_basket"].astype(str)
    common = baskets[baskets != ""].value_counts()
    lines = [
        "## 4. Trends, gelijk tegen gelijk (Amsterdam 2017 → 2019)",
        "",
        "Een verandering vergelijkt alleen indicatoren die in beide jaren een eigen cijfer met een",
        "andere periode hebben (geen modelschattingen); de fout komt uit de jaar-op-jaarruis van",
        "de referentie.",
        "",
        "| Label | Buurten |",
        "|---|---|",
    ]
    for label in ("climbing", "stable", "sliding"):
        lines.append(f"| {label} | {int(counts.get(label, 0))} |")
    lines.append(
        f"| geen trend (te weinig gemeenschappelijke groepen) | {int((baskets == '').sum())} |"
    )
    if len(common):
        lines += [
            "",
            f"Meest voorkomend mandje ({int(common.iloc[0])} buurten): `{common.index[0]}`.",
        ]
    return [*lines, ""]


def weights_section(scored: dict[str, IndexRun]) -> list[str]:
    lines = [
        "## 5. Effectieve gewichten",
        "",
        "Het aandeel van elke indicator in de variantie van het totaal, over de buurten met een",
        "totaal (een indicator die in het mandje van een buurt ontbreekt telt daar als 0).",
        "Nominale gewichten zijn geen invloed (Paruolo, Saisana & Saltelli 2013).",
        "",
    ]
    columns = []
    for name, code, year in MATRIX:
        result = scored[code].result
        effective = _effective(result, year)
        if effective is not None:
            columns.append((f"{name} {year}", effective))
    if not columns:
        return [*lines, ""]
    ids = list(scored["GM0363"].result.spec.ids)
    header = ["Indicator", *(c for c, _ in columns)]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    proxies = set(np.asarray(ids)[scored["GM0363"].result.spec.proxies])
    for k, ind in enumerate(ids):
        values = [e[k] for _, e in columns]
        if all(abs(v) < 0.005 for v in values):
            continue
        mark = " (proxy)" if ind in proxies else ""
        lines.append(f"| {ind}{mark} | " + " | ".join(f"{v:.1%}" for v in values) + " |")
    return [*lines, ""]


def _effective(result: object, year: int) -> np.ndarray | None:
    from wijkkompas.index.weights import effective_weights

    panel, state = result.panel, result.state  # type: ignore[attr-defined]
    years = list(panel.years)
    if year not in years:
        return None
    t, R = years.index(year), len(panel.regions)
    rows = np.arange(t * R, (t + 1) * R)
    rows = rows[(panel.levels == "buurt") & ~np.isnan(state.total[rows])]
    if rows.size < 5:
        return None
    return effective_weights(state.contributions(rows))


def extremes_section(scored: dict[str, IndexRun]) -> list[str]:
    lines = [
        "## 6. De hoogste en laagste tien buurten (totaal)",
        "",
        "Met inwoners en de vlaggen die een lezer nodig heeft: *klein* (minder dan 200",
        "inwoners), *vooral geen woongebied* (minder dan 200 inwoners; een bedrijfsvestiging per twee",
        "inwoners of meer; of, in een stedelijke omgeving, minder dan de helft van de woningen die",
        "het land bij de adressendichtheid van de omgeving zou dragen) en *landelijk* (minder dan",
        "500 adressen per km² in de omgeving). De regel staat in `wijkkompas.index.exposure`; bij",
        "zo'n buurt tellen misdrijven per inwoner niet mee. Gevlagde buurten horen niet",
        "zonder meer in een top of bodem. Waar een bestand geen woningen, landoppervlak of",
        "adressendichtheid heeft (Heerlen, Rotterdam, Baarn), kunnen alleen de eerste twee regels",
        "iets vlaggen.",
        "",
    ]
    for name, code, year in MATRIX:
        table = extremes(scored[code], "total", 10)
        table = table[(table["level"] == "buurt") & (table["year"] == year)]
        if table.empty:
            continue
        lines += [
            f"### {name} {year}",
            "",
            "| | # | Buurt | Inwoners | Totaal | Groepen | Vlaggen |",
        ]
        lines.append("|---|---|---|---|---|---|---|")
        for row in table.itertuples():
            side = "hoogste" if row.rank_side == "highest" else "laagste"
            flags = dutch_flags(str(row.flags))
            lines.append(
                f"| {side} | {row.position} | {row.name} ({row.code}) | {_int(row.population)} | "
                f"{row.score:+.2f} | {row.groups_scored} | {flags} |"
            )
        lines.append("")
    return lines


def flagged_section(scored: dict[str, IndexRun]) -> list[str]:
    """Every score's tens, not only the total's: the flagged buurten among them."""
    lines = [
        "## 7. Gevlagde buurten in de top en bodem van elke score",
        "",
        "Per gemeente-jaar en score: hoeveel van de tien hoogste en tien laagste buurten een vlag",
        "dragen, en welke.",
        "",
        "| Gemeente-jaar | Score | Gevlagd | Buurten (vlaggen) |",
        "|---|---|---|---|",
    ]
    for name, code, year in MATRIX:
        run = scored[code]
        for score in GROUP_NAMES:
            if score not in run.table:
                continue
            table = extremes(run, score, 10)
            table = table[(table["level"] == "buurt") & (table["year"] == year)]
            if table.empty:
                continue
            flagged = table[table["flags"] != ""]
            names = "; ".join(
                f"{r.name} ({dutch_flags(str(r.flags))})" for r in flagged.itertuples()
            )
            lines.append(
                f"| {name} {year} | {GROUP_TITLES[score]} | "
                f"{len(flagged)} van {len(table)} | {names} |"
            )
    lines.append("")
    return lines


def dutch_flags(flags: str) -> str:
    return (
        flags.replace("fewer than 200 inhabitants", "klein")
        .replace("mainly non-residential", "vooral geen woongebied")
        .replace("rural surroundings", "landelijk")
    )


def _int(value: float) -> str:
    return "" if pd.isna(value) else f"{int(value)}"


def render(store: AnalyticStore) -> str:
    catalogue = load_catalogue()
    scored = runs(store)
    weights_commit = git("log", "-1", "--format=%H", "--", "src/wijkkompas/catalogue/default.toml")
    head: Iterable[str] = [
        "# Validiteit van de index op echte gegevens",
        "",
        "Gemaakt door `scripts/validity.py` uit de echte open bestanden in `../shared/data` (zie",
        "`PROVENANCE.md` daar), zoals een analist ze importeert; opnieuw maken na elke wijziging",
        "van de catalogus, de referentie of de engine. `tests/test_validity_doc.py` faalt als dit",
        "bestand niet meer klopt. Scores tegen de referentie die met de catalogus meekomt",
        f"({scored['GM0363'].notes[0]}).",
        "",
        f"- Indicatoren en gewichten: catalogus {catalogue.version}, vastgelegd in commit "
        f"`{weights_commit}` (de laatste wijziging van `src/wijkkompas/catalogue/default.toml`), "
        f"scoring-hash `{catalogue.scoring_sha256[:16]}`.",
        f"{GENERATED}code {git('rev-parse', 'HEAD')}, {datetime.now(UTC).strftime('%Y-%m-%d')} -->",
        "",
    ]
    parts = [
        *head,
        *coverage_section(store, scored),
        *agreement_section(store, scored),
        *trend_section(scored),
        *weights_section(scored),
        *extremes_section(scored),
        *flagged_section(scored),
    ]
    return "\n".join(parts).rstrip() + "\n"


def comparable(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(GENERATED))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        text = render(build_store(Path(tmp)))
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if comparable(current) != comparable(text):
            print(f"{DOC} is out of date: run scripts/validity.py", file=sys.stderr)
            return 1
        print(f"{DOC} is up to date", file=sys.stderr)
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
