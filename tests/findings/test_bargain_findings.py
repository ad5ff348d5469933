"""Published findings on settlements that the bargaining stage must be able to express.

F05 (findings.csv): Walter (1997, *International Organization* 51(3); 2002, *Committing to Peace*)
- 20 % of civil wars 1940-90 ended at the negotiating table (against 55 % of interstate wars);
"if a third party agreed to enforce the terms, negotiations always succeeded"; without that,
talks usually failed, and only 8 of 17 negotiated settlements were implemented.
F03/F04: peacekeepers cut the risk of relapse by 50-85 % (Fortna 2008; Gilligan & Sergenti 2008).

On random synthetic conflicts (no aid, no spoilers), with the default parameters:
- without a guarantor a deal forms in about 20 % of cases (tolerance: 10-35 %);
- with a credible guarantor (credibility 0.75) it forms in at least 90 %;
- a signed deal is implemented with probability 8/17 without a guarantor, and a fully credible
  guarantor removes at least half of the relapse risk.
"""

from __future__ import annotations

import numpy as np

from grudging.model.bargain import (
    BargainParams,
    BargainProblem,
    Guarantor,
    bargain,
    credibility,
    implementation_probability,
)
from grudging.rng import make_rng


def _conflicts(k: int, seed: int = 0) -> list[BargainProblem]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(k):
        n = int(rng.integers(2, 7))
        d = int(rng.integers(1, 5))
        out.append(
            BargainProblem(
                factions=tuple(f"f{i}" for i in range(n)),
                issues=tuple(f"i{i}" for i in range(d)),
                positions=rng.uniform(0, 100, (n, d)),
                salience=rng.dirichlet(np.ones(d), n),
                capability=rng.uniform(0.1, 1, n),
                spoiler=np.zeros(n, bool),
                hostility=rng.uniform(0, 0.5, n),
            )
        )
    return out


def test_walter_settlements_fail_without_a_guarantee_and_succeed_with_one() -> None:
    params = BargainParams()
    none = Guarantor("none")
    credible = Guarantor("un", strength_ratio=1e6, impartiality=0.75, commitment_years=1e6)
    assert abs(credibility(credible, params) - 0.75) < 1e-6
    p_none, p_credible = [], []
    for j, problem in enumerate(_conflicts(50)):
        result = bargain(problem, [none, credible], 0.0, params, make_rng(j), 100, n_terms=0)
        p_none.append(result.outcomes[0].p_deal)
        p_credible.append(result.outcomes[1].p_deal)
    assert 0.10 <= np.mean(p_none) <= 0.35, np.mean(p_none)
    assert np.mean(p_credible) >= 0.90, np.mean(p_credible)


def test_implementation_base_rate_and_relapse_reduction() -> None:
    params = BargainParams()
    q_none = implementation_probability(0.0, params)
    q_full = implementation_probability(1.0, params)
    assert abs(q_none - 8 / 17) < 0.01
    assert (1 - q_full) <= 0.5 * (1 - q_none)
