"""CBS's signs keep their meaning ("Verklaring van tekens"): ``-`` is nil, a zero; ``.`` is
unknown, unreliable or secret (the KWB's one mark); ``x`` is secret. A nil count is a figure,
never a gap; a marked cell is missing *and* marked, never zero."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijkkompas.sources.base import to_number
from wijkkompas.sources.cells import parse_cells
from wijkkompas.sources.tabular import cells_to_values


def test_nil_is_zero_and_the_marks_are_missing_and_marked() -> None:
    cells = pd.Series(["12", "-", ".", "x", "", " - ", "3,5"], dtype=object)
    values, suppressed, unparseable = parse_cells(cells)
    np.testing.assert_array_equal(values[[0, 1, 5, 6]], [12.0, 0.0, 0.0, 3.5])
    assert np.isnan(values[[2, 3, 4]]).all()
    assert suppressed.tolist() == [False, False, True, True, False, False, False]
    assert not unparseable.any()


def test_every_cell_reader_agrees_on_the_signs() -> None:
    cells = pd.Series(["-", ".", "x", "7"], dtype=object)
    via_cells, marked_cells, _bad = parse_cells(cells)
    via_table, marked_table = cells_to_values(cells)
    np.testing.assert_array_equal(via_cells, via_table.to_numpy())
    np.testing.assert_array_equal(via_cells, to_number(cells).to_numpy())
    assert marked_cells.tolist() == marked_table.tolist() == [False, True, True, False]
