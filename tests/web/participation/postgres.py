"""A private PostgreSQL server for the tests, from Debian's packages, started and stopped here.

``make test`` installs the ``postgresql`` package; this module runs ``initdb`` and ``pg_ctl`` in
a temporary folder, on a free port, as the ``postgres`` user when the tests run as root (the
server refuses to run as root). Nothing is left behind and the system's own cluster is untouched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN_ROOT = Path("/usr/lib/postgresql")


def pg_bin() -> Path | None:
    versions = sorted(PG_BIN_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _run(argv: list[str]) -> None:
    done = subprocess.run(_as_server_user(argv), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:1])} failed:\n{done.stdout}\n{done.stderr}")


@contextmanager
def private_postgres() -> Iterator[str]:
    """Yield a ``postgres://`` URL of a fresh database; the server and its files are gone after.

    The folder is made directly in the temporary directory: pytest's own folders are private to
    root, and the ``postgres`` user could not reach a folder inside them.
    """
    binaries = pg_bin()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL is not installed (Debian package: postgresql)")
    base = Path(tempfile.mkdtemp(prefix="wijkkompas-pg-"))
    data = base / "pgdata"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(data, "postgres")
    base.chmod(0o755)
    port = _free_port()
    try:
        yield from _serve(binaries, data, port)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _serve(binaries: Path, data: Path, port: int) -> Iterator[str]:
    _run([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"])
    options = (
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off"
    )
    _run(
        [
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(data / "log"),
            "-w",
            "start",
        ]
    )
    try:
        _run(
            [
                str(binaries / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "wijkkompas",
            ]
        )
        yield f"postgres://postgres@127.0.0.1:{port}/wijkkompas"
    finally:
        subprocess.run(
            _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
