"""The command line's CSV is pandas' ``to_csv(index=False)`` to the byte, however it is written:
users and scripts parse it, and the fast writer must not change a single character."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from wijkkompas.cli.output import _csv_columns, write_csv


def written(frame: pd.DataFrame) -> str:
    stream = io.StringIO()
    write_csv(frame, stream)
    return stream.getvalue()


def awkward_frame(rows: int = 8) -> pd.DataFrame:
    """Every spelling pandas has an opinion on: NaN, -0.0, inf, tiny and huge doubles, whole
    doubles (18400.0), float32, nullable integers, booleans, categories, and text that must be
    quoted (commas, quotes, newlines) or must not (spaces, empty)."""
    text = ["x", "", "with,comma", 'q"uote', "new\nline", " lead", "trail ", None]
    doubles = [1.0, np.nan, 0.1, 1e-5, 18400.0, -0.0, np.inf, 1.2345678901234568e17]
    return pd.DataFrame(
        {
            "text": (text * rows)[:rows],
            "double": (doubles * rows)[:rows],
            "nullable": pd.array(([1, None, 3, -4] * rows)[:rows], dtype="Int64"),
            "count": np.arange(rows, dtype=np.int64),
            "flag": np.arange(rows) % 3 == 0,
            "category": pd.Categorical((["a b", "", None, "c,d"] * rows)[:rows]),
            "single": np.linspace(0, 1, rows, dtype=np.float32),
            "label": pd.array((["één", None] * rows)[:rows], dtype="string"),
        }
    )


def test_awkward_values_are_spelled_as_pandas_spells_them() -> None:
    frame = awkward_frame()
    assert _csv_columns(frame) is not None  # the fast way, not the fallback
    assert written(frame) == frame.to_csv(index=False)


def test_a_large_random_table_is_the_same_bytes() -> None:
    rng = np.random.default_rng(7)
    rows = 20_000
    values = rng.standard_normal((rows, 6)) * 10.0 ** rng.integers(-8, 12, (rows, 6))
    values[rng.random(values.shape) < 0.1] = np.nan
    frame = pd.DataFrame(values, columns=[f"v{i}" for i in range(6)])
    frame["basket"] = pd.Categorical(rng.choice(["a b", "a", "", "b c d"], rows))
    frame["rank"] = pd.array(rng.integers(1, 100, rows), dtype="Int64")
    frame.loc[frame.index % 7 == 0, "rank"] = pd.NA
    assert written(frame) == frame.to_csv(index=False)


def test_an_empty_table_is_its_header() -> None:
    frame = awkward_frame().iloc[:0]
    assert written(frame) == frame.to_csv(index=False) == ",".join(frame.columns) + "\n"


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"when": pd.to_datetime(["2024-01-01", "2025-06-30"])}),
        pd.DataFrame({"mixed": [1, "a"]}),
        pd.DataFrame([[1, 2]], columns=["same", "same"]),
        pd.DataFrame({("a", "b"): [1.5]}),
    ],
    ids=["dates", "mixed objects", "duplicate names", "tuple name"],
)
def test_types_without_a_known_spelling_go_through_pandas(frame: pd.DataFrame) -> None:
    assert written(frame) == frame.to_csv(index=False)


def test_a_header_that_needs_quotes_is_quoted_as_pandas_quotes_it() -> None:
    frame = pd.DataFrame({"a,b": [1.5], 'say "hi"': ["x"]})
    assert written(frame) == frame.to_csv(index=False)


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_a_file_gets_the_same_text_as_a_buffer(tmp_path, encoding: str) -> None:
    """A real file (or pipe) taking UTF-8 gets the bytes copied by the kernel, after what the
    stream already holds; any other one gets them as text."""
    frame = awkward_frame(40).assign(label=pd.array(["één", "Zoë"] * 20, dtype="string"))
    path = tmp_path / "out.csv"
    with path.open("w", encoding=encoding, newline="") as stream:
        stream.write("first line\n")
        write_csv(frame, stream)
        stream.write("last line\n")
    assert path.read_text(encoding=encoding) == "first line\n" + written(frame) + "last line\n"
