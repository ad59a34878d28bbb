"""The rule that every test on ``../shared/data`` has a synthetic twin, as a collection hook.

``tests/conftest.py`` installs it; ``tests/test_realdata_twins.py`` runs it on small test
modules of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test on ``../shared/data`` names the synthetic twin that runs without it.

    A real-data test skips on a machine without ``../shared``; its twin writes a small file in
    the same layout itself and always runs, so the behaviour stays checked everywhere (#20).
    The twin is named in the marker: ``@pytest.mark.realdata(twin="test_x")`` for a twin in the
    same module, ``twin="web/monitor/test_y.py::test_x"`` (relative to ``tests/``) for one
    elsewhere. The twin must exist and must not itself need the real files.
    """
    collected: dict[tuple[Path, str], list[pytest.Item]] = {}
    for item in items:
        name = getattr(item, "originalname", item.name)
        collected.setdefault((item.path, name), []).append(item)
    problems: list[str] = []
    for item in items:
        if item.get_closest_marker("realdata") is None:
            continue
        twins = [m.kwargs["twin"] for m in item.iter_markers("realdata") if "twin" in m.kwargs]
        if not twins:
            problems.append(f"{item.nodeid}: reads ../shared/data but names no synthetic twin")
            continue
        problem = _twin_problem(item, twins[0], collected)
        if problem:
            problems.append(f"{item.nodeid}: {problem}")
    if problems:
        raise pytest.UsageError("\n".join(sorted(set(problems))))


def _twin_problem(
    item: pytest.Item, twin: str, collected: dict[tuple[Path, str], list[pytest.Item]]
) -> str | None:
    """Why ``twin`` is no twin for ``item`` (None when it is one)."""
    path, _, name = twin.rpartition("::")
    module = TESTS / path if path else item.path
    if not module.is_file():
        return f"its twin's module {path} does not exist"
    found = collected.get((module, name))
    if found is None:
        if module in {key[0] for key in collected}:
            return f"its twin {twin} is not a test in {_shown(module)}"
        if f"def {name}(" not in module.read_text(encoding="utf-8"):
            return f"its twin {twin} is not defined in {_shown(module)}"
        return None
    if any(twin_item.get_closest_marker("realdata") for twin_item in found):
        return f"its twin {twin} needs the real files too"
    return None


def _shown(module: Path) -> str:
    return str(module.relative_to(TESTS)) if module.is_relative_to(TESTS) else module.name
