"""Global sensitivity of any outcome to the design's factors: Sobol' and Morris indices (SALib).

The quantity analysed is one number per design point: a statistic (mean, median or a percentile)
of the outcome over the point's replications under one option — or, with a ``baseline``, the
difference between two options at the same point under common random numbers, which is what decides
"which option wins". The design must be the one the indices need: Saltelli's for Sobol' indices,
Morris trajectories for elementary effects.

References
----------
Sobol' (2001), *Mathematics and Computers in Simulation* 55(1-3): 271-280. Saltelli (2002),
*Computer Physics Communications* 145(2): 280-297. Saltelli et al. (2010), *Computer Physics
Communications* 181(2): 259-270. Morris (1991), *Technometrics* 33(2): 161-174. Campolongo,
Cariboni & Saltelli (2007), *Environmental Modelling & Software* 22(10): 1509-1518. Herman & Usher
(2017), SALib, *Journal of Open Source Software* 2(9): 97.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from grudging.errors import DesignError, unknown_name
from grudging.results.store import Store, reading


def point_values(
    store: Store,
    outcome: str,
    option: str | None,
    baseline: str | None = None,
    statistic: str = "mean",
) -> tuple[np.ndarray, str]:
    """One value per design point (in point order): the option's statistic, minus the baseline's.

    Returns the values and the option analysed. Refuses points with failed runs (the indices need
    every point).
    """
    options = store.meta["options"]
    option = choose_option(options, option)
    wanted = [option] + ([baseline] if baseline else [])
    if baseline is not None and baseline not in options:
        raise DesignError(f"--baseline {baseline}: {unknown_name('option', baseline, options)}")
    if baseline == option:
        raise DesignError(f"--baseline {baseline} is the option itself; compare two options")
    frame = store.per_point(outcome, statistic, wanted)
    bad = frame[(frame["failed"] > 0) | frame["value"].isna()]
    if not bad.empty:
        raise DesignError(
            f"{len(bad['point'].unique()):,} design points have failed runs "
            f"(first: point {int(bad['point'].iloc[0])}, option {bad['option'].iloc[0]}); "
            "indices need every point: see the store's status table for the errors"
        )
    wide = frame.pivot(index="point", columns="option", values="value").sort_index()
    values = wide[option].to_numpy(dtype=float)
    if baseline:
        values = values - wide[baseline].to_numpy(dtype=float)
    return values, option


def choose_option(options: Sequence[str], option: str | None) -> str:
    """The option to analyse: the one given (checked), or the store's only option."""
    if option is None:
        if len(options) == 1:
            return options[0]
        raise DesignError(
            f"the store holds {len(options)} options ({', '.join(options)}); choose one with "
            "--option (and --baseline to analyse the difference between two)"
        )
    if option not in options:
        raise DesignError(f"--option {option}: {unknown_name('option', option, options)}")
    return option


#: Design points whose value differs from the outcome's most common value that Sobol' indices
#: need for each point of a base sample (see :func:`check_variation`).
MIN_VARYING_PER_POSITION = 10

_CONSTANT_BASE = (
    "the same at every base sample (the A and B points of the Saltelli design, whose variance "
    "every index divides by), so the estimator has no variance to apportion; sweep more base "
    "samples (-n) or more replications per point (-r), or choose an outcome that varies more"
)


def check_variation(y: np.ndarray, what: str, n: int) -> None:
    """Refuse an outcome that varies at too few points of a Saltelli design for its Sobol'
    indices to mean anything.

    The rule: the design points whose value differs from the most common one (``m`` of ``N``)
    must number at least :data:`MIN_VARYING_PER_POSITION` (10) for each of the ``N / n`` points
    of a base sample (A, AB_1..AB_k, [BA_1..BA_k,] B) -- or, in a design too small for that, at
    least half of the points.

    Why. Each index is estimated from ``n`` pairs of points, one pair per base sample, and each
    of the ``N / n`` positions in a base sample is a sample of the same distribution, so about
    ``m n / N`` points vary in each. That is about as many differing pairs as even a factor that
    alone decided the outcome can show (Jansen's total-order estimator is the mean squared
    difference over the pairs), and the variance every index divides by rests on the varying
    points of A and B. A count of rare changes is close to Poisson: an index resting on ``c``
    of them has a relative error of about ``1 / sqrt(c)``, a third or more below ``c = 10``, where
    values and ranks are noise. SALib's bootstrap intervals cannot show it, because they
    resample the same few pairs: a factor whose pairs never differ gets ``0 +/- 0`` (audit: a
    civil war at 3 of 4,096 points gave two factors ST 1.008 and sixty 0.000). An outcome that
    differs from its most common value at half the points or more is not rare: most pairs carry
    information and the bootstrap intervals show the sampling error honestly (``grudging
    sensitivity`` notes indices no larger than their half-width), so a small design of a
    continuous outcome is not refused here.

    The rule applies to any outcome: a continuous one differs from its most common value almost
    everywhere and passes; a yes/no outcome or a count that is mostly zero is held to it.
    """
    size = int(y.size)
    values, counts = np.unique(y, return_counts=True)
    common = float(values[counts.argmax()])
    varying = size - int(counts.max())
    step = size // n
    half = -(-size // 2)
    need = min(MIN_VARYING_PER_POSITION * step, half)
    if varying < need:
        why = (
            f"{MIN_VARYING_PER_POSITION} for each of the {step:,} points of a base sample"
            if MIN_VARYING_PER_POSITION * step <= half
            else f"half of them: {n:,} base samples cannot give {MIN_VARYING_PER_POSITION} for "
            f"each of the {step:,} points of a base sample"
        )
        raise DesignError(
            f"{what}: only {varying:,} of {size:,} design points differ from {common:g} (its most "
            f"common value); Sobol' indices need at least {need:,} ({why}): each index compares "
            "one pair of points per base sample, and with fewer even the largest rests on too "
            "few differing pairs to be more than noise, and an index of 0 would not mean that "
            "the factor does not matter. Sweep more base samples (-n) or more replications per "
            "point (-r), or choose an outcome that varies more"
        )
    ends = np.r_[y[::step], y[step - 1 :: step]]  # SALib's A and B: first and last of each block
    if np.ptp(ends) == 0:
        raise DesignError(f"{what}: {_CONSTANT_BASE}")


#: Morris trajectories along which the outcome must change (see :func:`check_trajectories`).
MIN_CHANGING_TRAJECTORIES = 10


def check_trajectories(y: np.ndarray, what: str, n: int) -> None:
    """Refuse an outcome that changes along too few trajectories of a Morris design for its
    elementary effects to mean anything.

    The rule: the trajectories along which the outcome takes more than one value must number at
    least :data:`MIN_CHANGING_TRAJECTORIES` (10) -- or, in a design of fewer than 20, at least
    half of them.

    Why. Each factor's elementary effect is measured once per trajectory, as the change of the
    outcome when that factor alone moves; along a trajectory where the outcome never changes,
    every factor's effect is 0. So ``mu*`` is a mean over the trajectories that change, and, as
    for Sobol' indices (:func:`check_variation`), one resting on fewer than 10 changes has a
    relative error of a third or more, while a factor whose step changed nothing anywhere gets
    ``0 +/- 0``, which reads as "does not matter" (a civil war at 1 of 1,720 points of 10
    trajectories gave two factors mu* 0.15 and 169 factors 0, and no warning).
    """
    steps = y.size // n
    changing = int((np.ptp(y.reshape(n, steps), axis=1) > 0).sum())
    half = -(-n // 2)
    need = min(MIN_CHANGING_TRAJECTORIES, half)
    if changing < need:
        why = (
            f"{MIN_CHANGING_TRAJECTORIES}"
            if half >= MIN_CHANGING_TRAJECTORIES
            else f"half of them: {n:,} trajectories cannot give {MIN_CHANGING_TRAJECTORIES}"
        )
        raise DesignError(
            f"{what}: the outcome changes along only {changing:,} of the {n:,} Morris "
            f"trajectories; Morris indices need it to change along at least {need:,} ({why}): "
            "each factor's elementary effect is measured once per trajectory, and with fewer "
            "even the largest mu* rests on too few changes to be more than noise, and a mu* of "
            "0 would not mean that the factor does not matter. Sweep more trajectories (-n) or "
            "more replications per point (-r), or choose an outcome that varies more"
        )


def sensitivity(
    store: str | Path | Store,
    outcome: str,
    option: str | None = None,
    baseline: str | None = None,
    statistic: str = "mean",
    num_resamples: int = 200,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Sobol' or Morris indices of ``outcome`` for every factor of the store's design.

    Parameters
    ----------
    store:
        A store path or an open :class:`~grudging.results.store.Store` holding a ``sobol`` or
        ``morris`` design.
    outcome:
        A scalar outcome (``civilian_deaths``, ``civil_war``...).
    option:
        The option analysed (default: the store's only option).
    baseline:
        Analyse ``option - baseline`` at each point (paired: common random numbers).
    statistic:
        Over replications: ``mean``, ``median`` or ``pNN``.
    num_resamples, conf_level:
        Bootstrap resamples and level of the confidence intervals.

    Returns
    -------
    DataFrame
        One row per factor, most influential first: ``rank, factor, kind`` and, for Sobol',
        ``S1, S1_conf, ST, ST_conf`` (first-order and total indices); for Morris, ``mu_star,
        mu_star_conf, mu, sigma`` (mean absolute, mean and spread of the elementary effects, in
        the outcome's unit per full range of the factor); then ``outcome, option, baseline,
        statistic, method``.
    """
    if isinstance(num_resamples, bool) or not isinstance(num_resamples, int) or num_resamples < 1:
        raise DesignError(
            f"num_resamples = {num_resamples!r}: give a whole number of bootstrap resamples of 1 "
            "or more (e.g. 200)"
        )
    if (
        isinstance(conf_level, bool)
        or not isinstance(conf_level, int | float)
        or not (0 < conf_level < 1)
    ):
        raise DesignError(
            f"conf_level = {conf_level!r}: give the confidence level, above 0 and below 1 "
            "(e.g. 0.95)"
        )
    with reading(store) as st:
        st.require_complete("sensitivity analysis")
        st.check_outcome(outcome)
        meta = st.meta
        spec = meta["design"]
        method = spec["method"]
        if method not in ("sobol", "morris"):
            raise DesignError(
                f"{st.path} holds a '{method}' design; Sobol' indices need a Saltelli design "
                "(grudging sweep --method sobol) and Morris indices a Morris design "
                "(--method morris). For this store use grudging discover or robustness"
            )
        factors = meta["factors"]
        names = [f["name"] for f in factors]
        y, chosen = point_values(st, outcome, option, baseline, statistic)
        unit = st.table("design_unit")[names].to_numpy(dtype=float)
    if not np.all(np.isfinite(y)):
        raise DesignError(f"{outcome}: some design points have no finite value")
    if np.ptp(y) == 0:
        raise DesignError(
            f"{outcome} is the same at every design point ({y[0]:g}); there is no variance to "
            "apportion among the factors"
        )
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    from grudging.rng import key_to_int

    seed = key_to_int(meta["seed"], "sensitivity", outcome) % (2**31 - 1) + 1
    if method == "sobol":
        design = f"a Saltelli design of n = {spec['n']}"
        expected = spec["n"] * (len(names) * (2 if spec["second_order"] else 1) + 2)
    else:
        design = f"a Morris design of n = {spec['n']} trajectories"
        expected = spec["n"] * (len(names) + 1)
    if y.size != expected:
        raise DesignError(
            f"{st.path}: {y.size} design points, but {design} over {len(names)} factors has "
            f"{expected}"
        )
    what = f"{outcome} ({chosen} minus {baseline})" if baseline else outcome
    if method == "sobol":
        from SALib.analyze import sobol

        check_variation(y, what, int(spec["n"]))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            si = sobol.analyze(
                problem,
                y,
                calc_second_order=bool(spec["second_order"]),
                num_resamples=num_resamples,
                conf_level=conf_level,
                seed=seed,
            )
        if any("Constant values" in str(w.message) for w in caught):
            # check_variation refuses what SALib finds constant; kept as a guard (SALib compares
            # the normalised output with machine epsilon, check_variation with exact equality)
            raise DesignError(f"{what}: {_CONSTANT_BASE}")
        table = pd.DataFrame(
            {
                "factor": names,
                "S1": si["S1"],
                "S1_conf": si["S1_conf"],
                "ST": si["ST"],
                "ST_conf": si["ST_conf"],
            }
        )
        if spec["second_order"]:
            pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
            table.attrs["second_order"] = (
                pd.DataFrame(
                    {
                        "factor": [names[i] for i, _ in pairs],
                        "with": [names[j] for _, j in pairs],
                        "S2": [float(si["S2"][i, j]) for i, j in pairs],
                        "S2_conf": [float(si["S2_conf"][i, j]) for i, j in pairs],
                    }
                )
                .sort_values("S2", ascending=False, kind="stable")
                .reset_index(drop=True)
            )
        key = "ST"
    else:
        from SALib.analyze import morris

        check_trajectories(y, what, int(spec["n"]))
        si = morris.analyze(
            problem,
            unit,
            y,
            num_resamples=num_resamples,
            conf_level=conf_level,
            num_levels=int(spec["num_levels"]),
            seed=seed,
        )
        table = pd.DataFrame(
            {
                "factor": names,
                "mu_star": np.asarray(si["mu_star"], dtype=float),
                "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
                "mu": np.asarray(si["mu"], dtype=float),
                "sigma": np.asarray(si["sigma"], dtype=float),
            }
        )
        key = "mu_star"
    kinds = {f["name"]: f["kind"] for f in factors}
    table.insert(1, "kind", table["factor"].map(kinds))
    table = table.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["outcome"] = outcome
    table["option"] = chosen
    table["baseline"] = baseline
    table["statistic"] = statistic
    table["method"] = method
    return table


def describe(table: pd.DataFrame, top: int = 10) -> list[dict[str, Any]]:
    """The most influential factors as plain records (for JSON output)."""
    return table.head(top).to_dict(orient="records")  # type: ignore[return-value]
