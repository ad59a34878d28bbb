"""Running the command line as a user does: a separate process, a wide terminal."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CliResult:
    """What a command printed and how it ended (the fields of ``subprocess.CompletedProcess``)."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def said(self) -> str:
        """Standard output with rich's line wrapping undone."""
        return " ".join(self.stdout.split())


def run_cli(*args: str | Path) -> CliResult:
    """``wijkkompas ARGS…`` as the console script runs it (its ``main``), in this process: the
    same command line as :func:`wijkkompas` (a wide terminal, ``COLUMNS=200``) without the
    start-up of a new interpreter, for tests that run many commands."""
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO
    from unittest import mock

    from wijkkompas.cli import main

    stdout, stderr = StringIO(), StringIO()
    argv = ["wijkkompas", *map(str, args)]
    code = 0
    with (
        redirect_stdout(stdout),
        redirect_stderr(stderr),
        mock.patch.object(sys, "argv", argv),
        mock.patch.dict(os.environ, {"COLUMNS": "200"}),
    ):
        try:
            main()
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())


def wijkkompas(*args: str | Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """``python -m wijkkompas ARGS…`` with its output captured; the caller judges the result.

    ``COLUMNS=200`` keeps tables side by side, as on an analyst's screen."""
    return subprocess.run(
        [sys.executable, "-m", "wijkkompas", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
    )


@dataclass(frozen=True)
class CappedRun:
    returncode: int
    stdout: str
    stderr: str
    peak: int
    """Peak resident size of the process, in bytes."""


def run_capped(
    argv: list[str], address_space: int, env: dict[str, str] | None = None, timeout: int = 300
) -> CappedRun:
    """Run ``argv`` with its address space capped, so a hostile file cannot take the machine
    down even when a check is missing, and measure its peak memory."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            argv, stdout=out, stderr=err, env={**os.environ, **(env or {})}, preexec_fn=cap
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        out.seek(0)
        err.seek(0)
        return CappedRun(
            os.waitstatus_to_exitcode(status),
            out.read().decode(),
            err.read().decode(),
            usage.ru_maxrss * 1024,
        )
