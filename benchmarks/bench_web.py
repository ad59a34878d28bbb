"""Web latency under an open-loop load: gunicorn (as ``wijkkompas serve`` starts it) on the demo
store, the load generator on the same machine and the same cores.

Open loop on purpose: a closed-loop client waits for each answer before sending the next, so a
slow server slows the load down and hides its own queueing ("coordinated omission"). Here
requests leave on a fixed schedule and latency is measured from the scheduled send time.

What it reports, each next to a baseline measured in the same run (``/api/v1/``, a trivial
JSON view behind the same middleware, so the ratio is the cost of the work itself):

1. p50/p95/p99 at a constant 50 requests/s for a profile page and for API calls
   (budget: p95 < 100 ms each);
2. the rate at which p95 crosses 100 ms, stepping the rate up;
3. the GeoJSON of a gemeente of about 500 buurten, on the wire (gzip, as browsers ask) and raw
   (budget: < 300 KB on the wire) - Amsterdam's 517 buurten when ../shared/data is present;
4. the profile page at 50 requests/s while an index run swaps the store file underneath
   (budget: no errors).

Exits 1 when a budget is missed. Run:
``.venv/bin/python benchmarks/bench_web.py [--duration 20] [--rates 50,100,150,200,300,400]``
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import gzip
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
THRESHOLD_MS = 100.0
GEOJSON_BUDGET_KB = 300.0
SHARED = ROOT.parent / "shared" / "data"
AMSTERDAM_2024 = (
    SHARED
    / "kwb"
    / "amsterdam"
    / "tommasozf"
    / "Kerncijfers_wijken_en_buurten_2024_without_income_data.csv"
)
AMSTERDAM_BOUNDARIES = SHARED / "geo" / "amsterdam" / "buurten.geojson"
AMSTERDAM_MAPPING = "column,indicator\nArea_Code,code\nDistrict_Type,name\nPopulation_Total,a_inw\n"

BASELINE = "/api/v1/"
PROFILE = "/regio/BU99990000/"
TARGETS = {
    "baseline /api/v1/": BASELINE,
    "page profile": PROFILE,
    "api scores": "/api/v1/regios/BU99990000/scores",
    "api explanation": "/api/v1/regios/BU99990000/verklaring",
    "api geojson (86 buurten)": "/api/v1/gemeenten/GM9999/geojson?niveau=buurt",
}
BUDGETED = [name for name in TARGETS if name != "baseline /api/v1/"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(folder: Path) -> Path:
    """The demo store with a saved index run, as ``wijkkompas demo`` leaves it."""
    from wijkkompas.demo import build_demo_batch
    from wijkkompas.services.scoring import run_index
    from wijkkompas.store import AnalyticStore

    path = folder / "wijkkompas.duckdb"
    store = AnalyticStore(path)
    store.import_batch(build_demo_batch(seed=2024))
    if AMSTERDAM_2024.is_file() and AMSTERDAM_BOUNDARIES.is_file():
        mapping = folder / "mapping.csv"
        mapping.write_text(AMSTERDAM_MAPPING, encoding="utf-8")
        cli = [PYTHON, "-m", "wijkkompas", "--store", str(path), "import"]
        subprocess.run(
            [*cli, str(AMSTERDAM_2024), "--source", "statline", "--mapping", str(mapping)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*cli, str(AMSTERDAM_BOUNDARIES), "--year", "2024"], check=True, capture_output=True
        )
    run_index(store, draws=50, save=True, label="demo")
    return path


def _gunicorn_has_control_socket() -> bool:
    from wijkkompas.web.serve import _gunicorn_has_control_socket as has_it

    return has_it()


def start_server(store: Path, port: int, var: Path) -> subprocess.Popen[bytes]:
    """gunicorn as ``wijkkompas.web.serve.run`` starts it, minus the exec and the access log."""
    env = dict(os.environ)
    env.update(
        WIJKKOMPAS_STORE=str(store),
        WIJKKOMPAS_DEBUG="false",
        WIJKKOMPAS_ALLOWED_HOSTS="127.0.0.1,localhost",
        WIJKKOMPAS_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="wijkkompas.web.settings",
    )
    prepare = [PYTHON, "-c", "from wijkkompas.web.serve import prepare; prepare()"]
    subprocess.run(prepare, env=env, check=True, cwd=ROOT)
    argv = [PYTHON, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    argv += ["--preload", "--log-level", "warning"]
    if _gunicorn_has_control_socket():  # a second server beside a demo would fight over it
        argv.append("--no-control-socket")
    argv.append("wijkkompas.web.wsgi:application")
    server = subprocess.Popen(argv, env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(port, BASELINE)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start within 30 s")


def _get(port: int, path: str, gzipped: bool = False) -> tuple[int, int]:
    """One GET on a fresh connection: gunicorn's sync workers do not keep connections alive,
    and an idle kept-alive socket would block a worker. Status and body size on the wire."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Connection": "close"}
    if gzipped:
        headers["Accept-Encoding"] = "gzip"
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if gzipped and response.getheader("Content-Encoding") == "gzip":
            gzip.decompress(body)  # it must be a valid stream
        return response.status, len(body)
    finally:
        conn.close()


def open_loop(port: int, path: str, rate: float, duration: float) -> dict[str, float]:
    """Send ``rate`` requests/s for ``duration`` s on schedule; latency counts from schedule."""
    total = int(rate * duration)
    interval = 1.0 / rate
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def one(scheduled: float) -> None:
        nonlocal errors
        try:
            status, _size = _get(port, path)
            ok = status == 200
        except (OSError, http.client.HTTPException):
            ok = False
        elapsed = (time.perf_counter() - scheduled) * 1000
        with lock:
            latencies.append(elapsed)
            errors += not ok

    start = time.perf_counter() + 0.05
    with cf.ThreadPoolExecutor(max_workers=256) as pool:
        for i in range(total):
            scheduled = start + i * interval
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, scheduled)
    wall = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return {
        "rate": rate,
        "achieved": len(latencies) / wall,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "errors": errors,
    }


def _row(name: str, r: dict[str, float]) -> str:
    return (
        f"{name:<34} {r['rate']:>6.0f} {r['achieved']:>8.1f} {r['p50']:>8.1f} "
        f"{r['p95']:>8.1f} {r['p99']:>8.1f} {r['errors']:>6.0f}"
    )


HEADER = f"{'target':<34} {'rate':>6} {'got/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--rates", default="50,100,150,200,300,400")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("building the demo store (plus Amsterdam's boundaries when present) …", flush=True)
        store = build_store(folder)
        port = _free_port()
        server = start_server(store, port, folder / "var")
        try:
            failures = run(port, rates, args.duration, store)
        finally:
            server.terminate()
            server.wait(timeout=15)
    if failures:
        print("\nBUDGET MISSED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("\nAll budgets met.")


def _geojson(port: int) -> list[str]:
    failures = []
    for code, what in (("GM0363", "Amsterdam, 517 buurten"), ("GM9999", "demo, 86 buurten")):
        path = f"/api/v1/gemeenten/{code}/geojson?niveau=buurt"
        status, wire = _get(port, path, gzipped=True)
        if status != 200:
            print(f"GeoJSON {code} ({what}): HTTP {status} - not in this store, skipped")
            continue
        _status, raw = _get(port, path)
        print(
            f"GeoJSON {code} ({what}): {wire / 1024:.1f} KB on the wire (gzip), "
            f"{raw / 1024:.1f} KB uncompressed; budget {GEOJSON_BUDGET_KB:.0f} KB"
        )
        if code == "GM0363" and wire / 1024 >= GEOJSON_BUDGET_KB:
            failures.append(f"GeoJSON {code}: {wire / 1024:.0f} KB >= {GEOJSON_BUDGET_KB:.0f} KB")
    return failures


def _during_swap(port: int, store: Path, duration: float) -> list[str]:
    """The profile page at 50/s while an index run (as after an import) swaps the store file.

    One swap a third into the window, as an import would: the writer competes for the same
    two cores, and the first requests after the swap rebuild the caches of the new file."""
    from wijkkompas.services.scoring import run_index
    from wijkkompas.store import AnalyticStore

    took: list[float] = []

    def swap() -> None:
        time.sleep(duration / 3)
        started = time.perf_counter()
        run_index(AnalyticStore(store), gemeente="GM9999", draws=0, save=True, label="swap")
        took.append(time.perf_counter() - started)

    writer = threading.Thread(target=swap)
    writer.start()
    result = open_loop(port, PROFILE, 50, duration)
    writer.join()
    print(HEADER)
    print(_row("page profile, one store swap", result))
    print(f"  (the index run that swapped the store took {took[0]:.1f} s)")
    return (
        [f"{result['errors']:.0f} errors while the store was swapped"] if result["errors"] else []
    )


def run(port: int, rates: list[float], duration: float, store: Path) -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkkompas.web.settings")
    failures: list[str] = []
    for path in TARGETS.values():  # warm the caches and both workers
        for _ in range(6):
            status, _size = _get(port, path)
            if status != 200:
                failures.append(f"{path}: HTTP {status}")
    failures += _geojson(port)

    print(f"\nAt 50 requests/s for {duration:.0f} s (open loop, latency from scheduled send):")
    print(HEADER)
    at_50 = {}
    for name, path in TARGETS.items():
        at_50[name] = open_loop(port, path, 50, duration)
        print(_row(name, at_50[name]), flush=True)
    base = at_50["baseline /api/v1/"]
    for name in BUDGETED:
        r = at_50[name]
        verdict = "ok" if r["p95"] < THRESHOLD_MS and not r["errors"] else "MISSED"
        print(
            f"  {name}: p50 x{r['p50'] / base['p50']:.1f}, p95 x{r['p95'] / base['p95']:.1f} "
            f"baseline; budget p95 < {THRESHOLD_MS:.0f} ms: {verdict}"
        )
        if verdict != "ok":
            failures.append(f"{name}: p95 {r['p95']:.0f} ms at 50/s, {r['errors']:.0f} errors")

    print(f"\nWhile the store is swapped ({duration / 2:.0f} s):")
    failures += _during_swap(port, store, duration / 2)

    print(
        f"\nStepping the rate up ({duration / 2:.0f} s per step) until p95 > {THRESHOLD_MS:.0f} ms:"
    )
    print(HEADER)
    for name, path in TARGETS.items():
        crossed = None
        last_ok = None
        for rate in rates:
            r = open_loop(port, path, rate, duration / 2)
            print(_row(name, r), flush=True)
            if r["p95"] > THRESHOLD_MS:
                crossed = r
                break
            last_ok = r["achieved"]
        verdict = (
            f"p95 crosses {THRESHOLD_MS:.0f} ms at {crossed['rate']:.0f}/s offered "
            f"({crossed['achieved']:.0f}/s achieved; last rate under it: {last_ok or 0:.0f}/s)"
            if crossed
            else f"p95 stays under {THRESHOLD_MS:.0f} ms up to {rates[-1]:.0f}/s"
        )
        print(f"  => {name}: {verdict}")
    return failures


if __name__ == "__main__":
    main()
