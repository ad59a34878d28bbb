"""Web latency under an open-loop load: gunicorn (2 workers, as ``wijkkompas serve``) on the demo
store, the load generator on the same machine.

Open loop on purpose: a closed-loop client waits for each answer before sending the next, so a
slow server slows the load down and hides its own queueing ("coordinated omission"). Here
requests leave on a fixed schedule and latency is measured from the scheduled send time.

Run: ``.venv/bin/python benchmarks/bench_web.py [--duration 20] [--rates 50,100,200,400]``
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(folder: Path) -> Path:
    """The demo store with a saved index run, as ``wijkkompas demo`` leaves it."""
    from wijkkompas.demo import build_demo_batch
    from wijkkompas.monitor import run_index
    from wijkkompas.store import AnalyticStore

    path = folder / "wijkkompas.duckdb"
    store = AnalyticStore(path)
    store.import_batch(build_demo_batch(seed=2024))
    run_index(store, draws=50, save=True, label="demo")
    return path


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
    argv += ["--preload", "--log-level", "warning", "wijkkompas.web.wsgi:application"]
    server = subprocess.Popen(argv, env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(port, "/api/v1/openapi.json")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start within 30 s")


def _get(port: int, path: str) -> tuple[int, int]:
    """One GET on a fresh connection: gunicorn's sync workers do not keep connections alive,
    and an idle kept-alive socket would block a worker. Status and body size."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        return response.status, len(response.read())
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--rates", default="50,100,200,400,800")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("building the demo store …", flush=True)
        store = build_store(folder)
        port = _free_port()
        server = start_server(store, port, folder / "var")
        try:
            run(port, rates, args.duration)
        finally:
            server.terminate()
            server.wait(timeout=15)


def _profile_path(port: int) -> str:
    """The buurt profile page once the monitor has one; the map page (``/``) until then."""
    from wijkkompas.web.apps.monitor import urls

    names = {getattr(p, "name", "") for p in urls.urlpatterns}
    for candidate in ("/profiel/BU99990000/", "/buurt/BU99990000/", "/regio/BU99990000/"):
        if "profiel" in names or "profile" in names:
            try:
                if _get(port, candidate)[0] == 200:
                    return candidate
            except OSError:
                continue
    return "/"


def run(port: int, rates: list[float], duration: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wijkkompas.web.settings")
    import django

    django.setup()
    static = "/api/v1/openapi.json"
    targets = {
        "baseline (openapi.json)": static,
        "page " + _profile_path(port): _profile_path(port),
        "api scores": "/api/v1/regios/BU99990000/scores",
    }
    for path in targets.values():  # warm the caches and both workers
        for _ in range(6):
            _get(port, path)
    status, size = _get(port, "/api/v1/gemeenten/GM9999/geojson?niveau=buurt")
    print(f"GeoJSON GM9999 buurten: HTTP {status}, {size / 1024:.1f} KB (limit 300 KB)")

    print(f"\nAt 50 requests/s for {duration:.0f} s (open loop, latency from scheduled send):")
    print(HEADER)
    at_50 = {}
    for name, path in targets.items():
        at_50[name] = open_loop(port, path, 50, duration)
        print(_row(name, at_50[name]), flush=True)
    base = at_50["baseline (openapi.json)"]
    for name, r in at_50.items():
        print(
            f"  {name}: p50 ×{r['p50'] / base['p50']:.1f}, p95 ×{r['p95'] / base['p95']:.1f} baseline"
        )

    print(
        f"\nStepping the rate up ({duration / 2:.0f} s per step) until p95 > {THRESHOLD_MS:.0f} ms:"
    )
    print(HEADER)
    for name, path in targets.items():
        crossed = None
        last_ok = None
        for rate in rates:
            r = open_loop(port, path, rate, duration / 2)
            print(_row(name, r), flush=True)
            if r["p95"] > THRESHOLD_MS:
                crossed = rate
                break
            last_ok = r["achieved"]
        verdict = (
            f"p95 crosses {THRESHOLD_MS:.0f} ms at {crossed:.0f}/s (last rate under it: "
            f"{last_ok or 0:.0f}/s)"
            if crossed
            else f"p95 stays under {THRESHOLD_MS:.0f} ms up to {rates[-1]:.0f}/s"
        )
        print(f"  => {name}: {verdict}")


if __name__ == "__main__":
    main()
