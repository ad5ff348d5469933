"""Rung 1: the compromise model (capability x salience weighted mean)."""

from __future__ import annotations

import numpy as np
import pytest

from grudging.model.bargain import compromise_positions
from grudging.model.bargain.compromise import others_compromise


def test_published_weighted_mean_predictioneers_game() -> None:
    """Bueno de Mesquita's worked example of the weighted mean position: 59.8.

    Source: B. Bueno de Mesquita (2009), *The Predictioneer's Game*, Random House, appendix I,
    "A sample of data, with the calculation of the weighted mean position" (North Korea's nuclear
    programme, 51 stakeholders). The weighted mean is sum(I*S*P) / sum(I*S) = 1,757,649 / 29,384
    = 59.8, which is the compromise model with influence as capability (Thomson et al. 2006).
    The book prints 16 stakeholders and gives stakeholders 12-51 only as their totals
    (sum I*S*P = 812,400, sum I*S = 16,528); since a weighted mean is unchanged when a group of
    actors is replaced by one actor carrying the group's total weight at the group's weighted mean,
    that row enters as one aggregate actor. Influence is scaled by 1/200 and salience by 1/100 to
    fit the schema's (0, 1] ranges, which leaves the weighted mean unchanged.
    """
    # (stakeholder, influence, salience, position)
    rows = [
        ("Cho Myong Nok", 4.61, 90, 0),
        ("Kim Chol Man", 3.07, 90, 0),
        ("Kim Il Chol", 4.61, 90, 0),
        ("Kim Yong Chun", 4.61, 90, 0),
        ("North Korean field commanders", 1.54, 75, 0),
        ("Paek Hak Nim", 3.07, 90, 0),
        ("Yi Ul Sol", 3.07, 90, 0),
        ("Yi Yong Mu", 3.07, 90, 0),
        ("Chang Song U", 3.69, 90, 0),
        ("Chon Pyong Ho", 4.61, 90, 10),
        ("J. Choso Ren", 1.01, 80, 10),
        ("Pacific Command", 12.00, 90, 95),
        ("Dept. of State", 22.00, 95, 95),
        ("Dept. of Defense", 26.00, 95, 100),
        ("President Bush", 40.00, 90, 100),
        ("United Nations", 3.5714, 90, 100),
    ]
    influence = [r[1] for r in rows]
    salience = [r[2] for r in rows]
    position = [float(r[3]) for r in rows]
    # Stakeholders 12-51 as one actor: I*S = 16,528 (salience 100, influence 165.28),
    # position 812,400 / 16,528.
    influence.append(165.28)
    salience.append(100)
    position.append(812400 / 16528)

    cap = np.array(influence) / 200.0
    sal = np.array(salience, dtype=float)[:, None] / 100.0
    pos = np.array(position)[:, None]
    result = compromise_positions(pos, sal, cap)
    assert result[0] == pytest.approx(59.8, abs=0.05)


def test_one_dimension_is_the_capability_weighted_mean() -> None:
    pos = np.array([[10.0], [40.0], [90.0]])
    sal = np.ones((3, 1))
    cap = np.array([0.2, 0.5, 0.3])
    assert compromise_positions(pos, sal, cap)[0] == pytest.approx(
        (0.2 * 10 + 0.5 * 40 + 0.3 * 90) / 1.0
    )


def test_salience_weights_each_issue_separately() -> None:
    pos = np.array([[0.0, 0.0], [100.0, 100.0]])
    sal = np.array([[0.9, 0.1], [0.1, 0.9]])
    cap = np.array([1.0, 1.0])
    x = compromise_positions(pos, sal, cap)
    np.testing.assert_allclose(x, [10.0, 90.0])


def test_batches_and_others_compromise() -> None:
    rng = np.random.default_rng(0)
    pos = rng.uniform(0, 100, (5, 4, 3))
    sal = rng.dirichlet(np.ones(3), (5, 4))
    cap = rng.uniform(0.1, 1, (5, 4))
    batch = compromise_positions(pos, sal, cap)
    for b in range(5):
        np.testing.assert_allclose(batch[b], compromise_positions(pos[b], sal[b], cap[b]))
    others = others_compromise(pos, sal, cap)
    for i in range(4):
        keep = np.arange(4) != i
        expected = compromise_positions(pos[:, keep], sal[:, keep], cap[:, keep])
        np.testing.assert_allclose(others[:, i], expected)
