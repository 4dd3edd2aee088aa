"""The LP's own arrays (CSC matrix, row columns) against scipy and pandas doing the same.

The solve path builds the matrix and its tables without scipy or pandas; these check that
what it builds is what scipy and pandas would have built, on random inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from landalloc.formulations.columns import Columns
from landalloc.formulations.sparse import Csc


@st.composite
def coo(draw):
    m = draw(st.integers(1, 8))
    n = draw(st.integers(1, 8))
    k = draw(st.integers(0, 40))
    rows = draw(st.lists(st.integers(0, m - 1), min_size=k, max_size=k))
    cols = draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k))
    vals = draw(st.lists(st.sampled_from([0.0, 1.0, -1.0, 0.25, 2.5, -0.75]), min_size=k,
                         max_size=k))
    return np.array(rows, int), np.array(cols, int), np.array(vals, float), (m, n)


@settings(max_examples=200, deadline=None)
@given(coo(), st.lists(st.floats(-10, 10), min_size=8, max_size=8))
def test_csc_is_scipys_csc(entries, xs):
    """Duplicates summed, explicit zeros kept, rows sorted in each column: scipy's layout,
    array for array; A @ x as scipy computes it."""
    rows, cols, vals, shape = entries
    ours = Csc.from_coo(rows, cols, vals, shape)
    ref = sp.csc_matrix((vals, (rows, cols)), shape=shape)
    ref.sum_duplicates()
    assert ours.shape == ref.shape
    np.testing.assert_array_equal(ours.indptr, ref.indptr)
    np.testing.assert_array_equal(ours.indices, ref.indices)
    np.testing.assert_allclose(ours.data, ref.data, rtol=0, atol=1e-12)
    x = np.array(xs[:shape[1]])
    np.testing.assert_allclose(ours @ x, ref @ x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.scipy().toarray(), ref.toarray(), atol=1e-12)


def test_csc_by_hand():
    """[[1, 0, 2], [0, 3, 0]] with (0, 2) given twice as 1 + 1."""
    a = Csc.from_coo(np.array([0, 1, 0, 0]), np.array([0, 1, 2, 2]),
                     np.array([1.0, 3.0, 1.0, 1.0]), (2, 3))
    assert a.indptr.tolist() == [0, 1, 2, 3]
    assert a.indices.tolist() == [0, 1, 0]
    assert a.data.tolist() == [1.0, 3.0, 2.0]
    assert (a @ np.array([1.0, 1.0, 1.0])).tolist() == [3.0, 3.0]


def test_csc_of_scipy_shares_the_matrix():
    """A scipy matrix handed in comes back as the same object: in-place edits stay visible."""
    m = sp.random(5, 4, density=0.5, format="csc", random_state=1)
    c = Csc.of(m)
    assert c.scipy() is m
    m.data[:] = 7.0
    assert (c.data == 7.0).all()


def test_columns_frame_is_the_dataframe_pandas_builds():
    """Object columns stay plain Python objects; others are pandas' own inference."""
    cols = Columns.from_rows(["name", "kind"], [("a", "x"), ("b", "y")]).with_columns(
        value=np.array([1.5, 2.0]), flag=np.array([True, False]), unit=["ha", "亿元"])
    df = cols.frame
    assert list(df.columns) == ["name", "kind", "value", "flag", "unit"]
    assert df["name"].dtype == object and df["value"].dtype == float
    assert df["flag"].dtype == bool
    assert df["unit"].dtype == pd.DataFrame({"unit": ["ha", "亿元"]})["unit"].dtype
    taken = cols.take(np.array([1, 0]))
    assert taken["name"].tolist() == ["b", "a"] and taken["unit"] == ["亿元", "ha"]
    assert taken.records()[0] == {"name": "b", "kind": "y", "value": 2.0, "flag": False,
                                  "unit": "亿元"}
    assert len(cols.take(np.array([False, True]))) == 1
    assert Columns.of(df).frame.equals(df)


def test_analysis_cells_are_in_pandas_sort_order():
    """The cells table is ordered as pandas' stable sort by allowed, hectares and reduced
    cost (all descending, NaN last) would order it."""
    from landalloc.api import solve

    for period in ("2021-2025", "2026-2035"):
        cells = solve(period=period).analysis.cells
        ref = cells.sort_values(["allowed", "hectares", "reduced_cost"],
                                ascending=[False, False, False], kind="stable")
        assert ref.index.tolist() == list(range(len(cells)))
        assert cells["reduced_cost"].isna().sum() == (~cells["allowed"]).sum() > 0


@pytest.mark.parametrize("period", ["2021-2025", "2026-2035"])
def test_lp_matrix_is_the_one_scipy_builds_from_the_rows(period):
    """formulate's CSC arrays equal scipy's csc of the same triplets (via `A`), and the
    row index reads the same through `row_info` and the `rows` DataFrame."""
    from landalloc.problem.build import load_problem

    lp = load_problem(period=period).lp
    coo_ = lp.A.tocoo()
    ref = sp.csc_matrix((coo_.data, (coo_.row, coo_.col)), shape=lp.A.shape)
    np.testing.assert_array_equal(lp.matrix.indptr, ref.indptr)
    np.testing.assert_array_equal(lp.matrix.indices, ref.indices)
    assert lp.rows["name"].tolist() == lp.row_names() == list(lp.row_info["name"])
    x = np.linspace(0, 1, lp.num_col)
    np.testing.assert_allclose(lp.matrix @ x, lp.A @ x, rtol=1e-12)
