"""What every command shares: the consoles, the option types, the store of the invocation.

Import-light on purpose: every command module imports this at start, and ``wijkkompas --help``
loads every command module, so nothing here may pull in pandas, DuckDB or the engine (the
budget is in ``benchmarks/bench_cli.py``); not even typer, so that a command that runs without
it (``wijkkompas pb``, see :mod:`wijkkompas.cli`) can share the consoles and choices.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from wijkkompas.errors import WijkkompasError
from wijkkompas.regions import parse_region_code

if TYPE_CHECKING:
    import typer
    from rich.console import Console
    from rich.progress import Progress

    from wijkkompas.store import AnalyticStore

T = TypeVar("T")


class _LazyConsole:
    """A rich console made at its first use: building one loads rich (a twentieth of a second),
    which a command that prints through ``typer.echo`` alone should not wait for."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


err: Any = _LazyConsole(stderr=True)
"""Messages to people: progress, notes, errors (standard error)."""
out: Any = _LazyConsole(stderr=False)
"""Results (standard output)."""


class Level(StrEnum):
    buurt = "buurt"
    wijk = "wijk"
    gemeente = "gemeente"


class OutputFormat(StrEnum):
    """A table for people, or CSV or JSON for programs."""

    table = "table"
    csv = "csv"
    json = "json"


class TextFormat(StrEnum):
    """Sentences for people, or JSON for programs."""

    text = "text"
    json = "json"


class Language(StrEnum):
    nl = "nl"
    en = "en"


def store_of(ctx: typer.Context) -> AnalyticStore:
    """The analytic store this invocation works on (``--store``, else the default)."""
    from wijkkompas.store import AnalyticStore

    return AnalyticStore(Path(ctx.obj["store"]))


@overload
def gemeente_code(value: str, option: str = ...) -> str: ...
@overload
def gemeente_code(value: None, option: str = ...) -> None: ...
def gemeente_code(value: str | None, option: str = "--gemeente") -> str | None:
    """The CBS code of a gemeente option (None when not given); any other code is refused."""
    if value is None:
        return None
    parsed = parse_region_code(value)
    if parsed.level != "gemeente":
        raise WijkkompasError(
            f"{option} expects a gemeente code such as GM0344; {parsed.code} is a "
            f"{parsed.level} code."
        )
    return parsed.code


def _progress() -> Progress:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        TimeElapsedColumn(),
        console=err.console,
        transient=True,
        disable=not err.is_terminal,
    )


def with_progress(description: str, work: Callable[[Callable[[str], None]], T]) -> T:
    """Run ``work`` with a spinner whose text each step of the work may update."""
    with _progress() as progress:
        task = progress.add_task(description, total=None)

        def step(message: str) -> None:
            progress.update(task, description=f"{description}: {message}")

        return work(step)
