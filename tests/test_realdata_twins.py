"""The twin rule holds at collection: a real-data test without a working twin stops the run."""

from __future__ import annotations

from collections.abc import Callable

import pytest

pytest_plugins = ["pytester"]

HOOK = "from realdata_twins import pytest_collection_modifyitems  # noqa: F401\n"
MARKER = "[pytest]\nmarkers =\n    realdata: reads real public data\n"


@pytest.fixture
def run(pytester: pytest.Pytester) -> Callable[[str], pytest.RunResult]:
    pytester.makeconftest(HOOK)
    pytester.makeini(MARKER)

    def collect(source: str) -> pytest.RunResult:
        pytester.makepyfile(test_module=source)
        return pytester.runpytest("--collect-only", "-q", "-p", "no:randomly")

    return collect


def test_a_real_data_test_with_its_twin_is_collected(
    run: Callable[[str], pytest.RunResult],
) -> None:
    result = run(
        "import pytest\n"
        "@pytest.mark.realdata(twin='test_twin')\n"
        "def test_real(): pass\n"
        "def test_twin(): pass\n"
    )
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*2 tests collected*"])


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        (
            "import pytest\n@pytest.mark.realdata\ndef test_real(): pass\n",
            "*test_real: reads ../shared/data but names no synthetic twin*",
        ),
        (
            "import pytest\n@pytest.mark.realdata(twin='test_gone')\ndef test_real(): pass\n",
            "*its twin test_gone is not a test in test_module.py*",
        ),
        (
            "import pytest\n"
            "@pytest.mark.realdata(twin='test_other')\ndef test_real(): pass\n"
            "@pytest.mark.realdata(twin='test_real')\ndef test_other(): pass\n",
            "*its twin test_other needs the real files too*",
        ),
        (
            "import pytest\n@pytest.mark.realdata(twin='nowhere.py::test_x')\n"
            "def test_real(): pass\n",
            "*its twin's module nowhere.py does not exist*",
        ),
    ],
)
def test_a_real_data_test_without_a_working_twin_stops_the_run(
    run: Callable[[str], pytest.RunResult], source: str, complaint: str
) -> None:
    result = run(source)
    assert result.ret != 0
    result.stderr.fnmatch_lines([complaint])
