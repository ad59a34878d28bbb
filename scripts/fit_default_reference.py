"""Fit the reference shipped with the catalogue, from the real public files in ../shared/data.

The default yardstick (ADR 0010) is fitted once, on purpose, on every real buurt figure the
project has: the whole country where a whole-country file exists (RIVM health monitor 2012,
2016, 2020; registered crime 2023 with the KWB 2024 population) and the gemeenten with KWB
files (Amsterdam 2017 and 2019, Utrecht 2023 and 2024 with Nabijheid 2019 and 2023, Rotterdam
2017, Heerlen 2016-2020, Baarn 2016-2025). Its centres are the national figures of the KWB's
NL00 and the RIVM's NL01 rows. The result is committed as
``src/wijkkompas/catalogue/references/nl-<catalogue version>.json``; the data files never are.

    .venv/bin/python scripts/fit_default_reference.py            # (re)write the JSON
    .venv/bin/python scripts/fit_default_reference.py --check    # exit 1 if it would change
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))

from wijkkompas.catalogue import load_catalogue  # noqa: E402
from wijkkompas.index import EngineOptions, Reference  # noqa: E402
from wijkkompas.services.references import fit_store_reference  # noqa: E402
from wijkkompas.sources.base import LoadOptions  # noqa: E402
from wijkkompas.sources.importer import import_files  # noqa: E402
from wijkkompas.store import AnalyticStore  # noqa: E402

IMPORTS: list[tuple[list[str], dict[str, object]]] = [
    (["kwb/nederland/Kerncijfers_wijken_en_buurten_2024_geslachten.csv"], {}),
    (["crime/nederland/PolRegCrime47018_2023.csv"], {}),
    ([f"rivm/RIVM_gezondheid{y}_{a}.xlsx" for y in (2012, 2016, 2020) for a in ("18+", "65+")], {}),
    (
        [
            "kwb/amsterdam/Kerncijfers_wijken_en_buurten_2017.csv",
            "kwb/amsterdam/Kerncijfers_wijken_en_buurten_2019.csv",
        ],
        {},
    ),
    (["kwb/utrecht/CBS-Utrecht-kwb-2023.xlsx", "kwb/utrecht/CBS-Utrecht-kwb-2024.xlsx"], {}),
    (
        [
            "nabijheid/utrecht/utrecht_nabijheid_voorzieningen_buurt_2019.csv",
            "nabijheid/CBS-Utrecht_Nabijheid_voorzieningen__buurt_2023_14102024_164034.csv",
        ],
        {},
    ),
    (["kwb/rotterdam/ikgeoData.json"], {"year": 2017}),
    ([f"kwb/heerlen/heerlen_kwb_{y}.csv" for y in range(2016, 2021)], {}),
    (
        ["kwb/baarn/baarn_social_data_kwb_2016-2025.json", "geo/baarn/baarn_buurten_2024.geojson"],
        {},
    ),
]


def build_store(
    folder: Path,
    imports: list[tuple[list[str], dict[str, object]]] = IMPORTS,
    name: str = "fit.duckdb",
) -> AnalyticStore:
    """A fresh store in ``folder`` with the real files imported as an analyst would."""
    store = AnalyticStore(folder / name)
    catalogue = load_catalogue()
    for paths, options in imports:
        files = [SHARED / p for p in paths]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise SystemExit(f"missing real data files: {', '.join(missing)}")
        year = options.get("year")
        import_files(
            store,
            files,
            options=LoadOptions(year=int(year) if isinstance(year, int) else None),
            catalogue=catalogue,
        )
        print(f"imported {', '.join(paths)}", file=sys.stderr)
    return store


def fit(folder: Path) -> Reference:
    catalogue = load_catalogue()
    store = build_store(folder)
    return fit_store_reference(
        store,
        name=f"nl-{catalogue.version}",
        catalogue=catalogue,
        options=EngineOptions(),
        note="the default, shipped with the catalogue (scripts/fit_default_reference.py)",
        save=False,
    )


def target() -> Path:
    return ROOT / "src/wijkkompas/catalogue/references" / f"nl-{load_catalogue().version}.json"


def same(a: Reference, b: Reference) -> bool:
    """Equal in everything that scores depend on (not the fit date)."""
    arrays = ("centre", "spread", "noise_sd", "cuts", "centre_se", "spread_log_se")
    return (
        a.catalogue_hash == b.catalogue_hash
        and a.indicators == b.indicators
        and all(np.allclose(getattr(a, k), getattr(b, k), equal_nan=True) for k in arrays)
        and np.allclose(a.tau2, b.tau2, equal_nan=True)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the JSON would change")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reference = fit(Path(tmp))
    path = target()
    if args.check:
        shipped = Reference.from_json(path.read_text(encoding="utf-8"))
        if not same(reference, shipped):
            print(f"{path} is out of date: run scripts/fit_default_reference.py", file=sys.stderr)
            return 1
        print(f"{path} matches a fresh fit", file=sys.stderr)
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    data = reference.to_dict()
    data["created_at"] = ""  # the file changes only when the yardstick does
    path.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {path} ({reference.fitted_on.get('scored_buurt_years')} buurt-years)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
