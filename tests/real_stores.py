"""Building a store from real public files the way a person would: with the command line.

The files live in ``../shared/data`` beside the repository, never in it; tests that need them
skip, naming what is missing, when that folder is absent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def wijkkompas(store: Path, *args: str | Path) -> None:
    """Run ``wijkkompas --store STORE ARGS…`` and fail the test with its output if it fails."""
    argv = [sys.executable, "-m", "wijkkompas", "--store", str(store), *map(str, args)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


AMSTERDAM_KWB = SHARED_DATA / "kwb" / "amsterdam"
AMSTERDAM_FILES = {
    "kwb2017": AMSTERDAM_KWB / "Kerncijfers_wijken_en_buurten_2017.csv",
    "kwb2019": AMSTERDAM_KWB / "Kerncijfers_wijken_en_buurten_2019.csv",
    "kwb2024": AMSTERDAM_KWB
    / "tommasozf"
    / "Kerncijfers_wijken_en_buurten_2024_without_income_data.csv",
    "boundaries": SHARED_DATA / "geo" / "amsterdam" / "buurten.geojson",
    "crosswalk": SHARED_DATA / "geo" / "amsterdam" / "buurten.csv",
}
"""Amsterdam as the README's recipe imports it: two KWB years, the 2024 extract, the 2022
boundaries and the crosswalk from the older codes."""
AMSTERDAM_2024_MAPPING = """column,indicator
Area_Code,code
District_Type,name
Population_Total,a_inw
Pct_Owner_Occupied,p_koopw
Avg_Property_Value_1000EUR,g_wozbag
Pct_Unoccupied_Homes,p_leegsw
"""
"""The mapping a user writes for the 2024 extract's own column names."""


def import_amsterdam(folder: Path, *, crosswalk: bool = True, draws: int | None = None) -> Path:
    """A store in ``folder`` with Amsterdam as the README's recipe imports it: KWB 2017 and 2019,
    the 2024 extract through its mapping, the 2022 boundaries and (``crosswalk``) the crosswalk
    from the older codes; indexed with ``draws`` rank-interval draws unless it is None. Skips,
    naming what is missing, when the real files are absent."""
    import pytest

    wanted = {k: v for k, v in AMSTERDAM_FILES.items() if crosswalk or k != "crosswalk"}
    missing = [str(path) for path in wanted.values() if not path.is_file()]
    if missing:
        pytest.skip(f"real Amsterdam samples absent: {', '.join(missing)}")
    store = folder / "wijkkompas.duckdb"
    mapping = folder / "mapping.csv"
    mapping.write_text(AMSTERDAM_2024_MAPPING, encoding="utf-8")
    wijkkompas(store, "import", wanted["kwb2017"], wanted["kwb2019"])
    wijkkompas(store, "import", wanted["kwb2024"], "--source", "statline", "--mapping", mapping)
    wijkkompas(store, "import", wanted["boundaries"], "--year", "2024")
    if crosswalk:
        wijkkompas(store, "import", wanted["crosswalk"])
    if draws is not None:
        wijkkompas(store, "index", "--draws", str(draws))
    return store
