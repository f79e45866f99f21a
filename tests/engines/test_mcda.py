"""MCDA engine against the worked examples of standards.md §5 and against pymcdm 1.4.0."""

from __future__ import annotations

import numpy as np
import pytest

from beltroad.engines import mcda
from beltroad.errors import InvalidInput

TOPSIS_X = [[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]]
TOPSIS_T = [-1, 1, 1, 1]


def test_topsis_reproduces_the_textbook_oracle() -> None:
    c = mcda.topsis(TOPSIS_X, [0.25] * 4, TOPSIS_T).closeness
    assert c.round(4).tolist() == [0.5343, 0.3084, 0.6916, 0.5347, 0.4010]


def test_ahp_reproduces_the_oracle_and_names_its_random_index() -> None:
    r = mcda.ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert [round(w, 4) for w in r.weights] == [0.6370, 0.2583, 0.1047]
    assert round(r.lambda_max, 4) == 3.0385
    assert round(r.ci, 4) == 0.0193
    assert round(r.cr, 4) == 0.0332
    assert r.consistent
    assert r.ri_table == "tummala-ling-1998"


def test_an_inconsistent_ahp_matrix_reports_its_cr() -> None:
    r = mcda.ahp([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert r.cr > mcda.CR_LIMIT
    assert not r.consistent


def test_ahp_refuses_a_matrix_that_is_not_reciprocal() -> None:
    with pytest.raises(InvalidInput, match=r"ahp\[1\]\[0\]"):
        mcda.ahp([[1, 3], [3, 1]])


def test_promethee_ii_reproduces_the_oracle() -> None:
    x = [[4, 3, 2], [3, 2, 4], [5, 1, 3]]
    net = mcda.promethee_ii(x, [0.5, 0.3, 0.2], [1, 1, 1]).net
    assert net.round(4).tolist() == [0.1, -0.3, 0.2]


def test_weights_not_summing_to_one_are_normalised_and_said_so() -> None:
    w = mcda.normalise_weights({"a": 2, "b": 2})
    assert w.values == (0.5, 0.5)
    assert w.note is not None
    assert "summed to 4" in w.note
    assert mcda.normalise_weights({"a": 0.4, "b": 0.6}).note is None
    with pytest.raises(InvalidInput, match=r"weights\.b"):
        mcda.normalise_weights({"a": 1, "b": -1})


def test_a_ranking_is_unchanged_when_all_weights_are_scaled() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(1, 100, size=(30, 4))
    a = mcda.topsis(x, [0.1, 0.2, 0.3, 0.4], [1, -1, 1, 1]).closeness
    b = mcda.topsis(x, [1, 2, 3, 4], [1, -1, 1, 1]).closeness
    assert (mcda.ranks(a) == mcda.ranks(b)).all()


def test_usual_flows_by_sorting_equal_the_pairwise_definition() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, size=(40, 3)).astype(float)  # many ties
    fast = mcda.promethee_ii(x, [0.2, 0.5, 0.3], [1, -1, 1])
    slow = mcda.promethee_ii(x, [0.2, 0.5, 0.3], [1, -1, 1], function="ushape", q=[0, 0, 0])
    assert np.allclose(fast.net, slow.net)


# --- cross-check against pymcdm (the library standards.md §5 verified) -----------------------

pymcdm = pytest.importorskip("pymcdm")


def _pymcdm_topsis(x: np.ndarray, w: np.ndarray, t: np.ndarray) -> np.ndarray:
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    return np.asarray(TOPSIS(normalizations.vector_normalization)(x, w, t))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_topsis_and_promethee_match_pymcdm_on_random_matrices(seed: int) -> None:
    from pymcdm.methods import PROMETHEE_II

    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 1000, size=(25, 5))
    w = rng.dirichlet(np.ones(5))
    t = np.array([1, -1, 1, 1, -1])
    ours = mcda.topsis(x, w, t).closeness
    assert np.allclose(ours, _pymcdm_topsis(x, w, t))
    assert (mcda.ranks(ours) == mcda.ranks(_pymcdm_topsis(x, w, t))).all()
    net = mcda.promethee_ii(x, w, t).net
    assert np.allclose(net, np.asarray(PROMETHEE_II("usual")(x, w, t)))
    p = np.full(5, 200.0)
    q = np.full(5, 50.0)
    ours_v = mcda.promethee_ii(x, w, t, function="vshape_2", p=p, q=q).net
    theirs_v = np.asarray(PROMETHEE_II("vshape_2", p=p, q=q)(x, w, t))
    assert np.allclose(ours_v, theirs_v)


def test_ahp_matches_pymcdm() -> None:
    from pymcdm.weights.subjective import AHP

    a = np.array(
        [[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]], float
    )
    theirs = AHP(matrix=a)
    w = np.asarray(theirs())
    ours = mcda.ahp(a)
    assert np.allclose(ours.weights, w, atol=1e-6)
    assert ours.cr == pytest.approx(theirs.get_cr(), abs=1e-6)
