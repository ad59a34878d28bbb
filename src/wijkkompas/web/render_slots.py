"""At most a few PDFs rendered at once on this machine, by all web workers together.

A PDF report costs about a second of CPU (WeasyPrint). gunicorn runs two sync workers: two
anonymous report requests occupy both, and eight queue every other visitor behind them for
seconds. A render therefore needs a slot: an exclusive ``flock`` on one of
``WIJKKOMPAS_PDF_RENDERS`` lock files in the var folder, shared by every worker process (and
every thread) on the machine, and released by the kernel if a worker dies mid-render. When all
slots are taken the request is not queued (a sync worker waiting for a slot would block pages
just the same) but answered at once with 503 and ``Retry-After``; a cached report needs no slot.

The lock files are named after the store they render from, so two sites, or two test runs,
sharing a var folder do not take each other's slots.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

RETRY_AFTER_SECONDS = 5
"""About the time one render takes on a busy machine: when a slot is likely free again."""

View = TypeVar("View", bound=Callable[..., HttpResponse])


class RendersBusy(Exception):
    """Every render slot is taken; the caller should answer 503 (see :func:`answers_busy`)."""


def slot_files() -> list[Path]:
    """The lock files whose exclusive ``flock`` is a render slot, for the current store."""
    folder = Path(settings.WIJKKOMPAS_LOCK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    store = hashlib.sha256(str(Path(settings.WIJKKOMPAS_STORE).resolve()).encode()).hexdigest()
    count = int(settings.WIJKKOMPAS_PDF_RENDERS)
    return [folder / f"pdf-render-{store[:16]}-{n}.lock" for n in range(count)]


@contextmanager
def render_slot() -> Iterator[None]:
    """Hold a free render slot while the block runs, or raise :class:`RendersBusy` at once."""
    for path in slot_files():
        handle = open(path, "a+")  # noqa: SIM115 - held until the render is done
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return
    raise RendersBusy


def busy_page(request: HttpRequest) -> HttpResponse:
    response = render(request, "wk/bezet.html", {"seconds": RETRY_AFTER_SECONDS}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def answers_busy(view: View) -> View:
    """Turn :class:`RendersBusy` raised by ``view`` into the 503 'try again shortly' page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except RendersBusy:
            return busy_page(request)

    return wrapped  # type: ignore[return-value]
