"""Un-mixing by neighbourhood: displacement sorts the people it leaves behind, and only the
sectarian share of a region's violence depends on intermingling (history.md, fifth round)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
from toy import theatre, unit

from grudging.model.dynamics import DynamicsInputs, DynamicsParams, _displacement, simulate

T = 48


def _one_region(share: float, people: float, mingled: float) -> tuple[SimpleNamespace, ...]:
    """A run and a state of one replication and one region of two groups, minority ``share``."""
    p = SimpleNamespace(displaced_per_death=50.0)
    th = SimpleNamespace(abroad_border=np.array([False]))
    run = SimpleNamespace(p=p, th=th, pop=np.array([people]), refugee_share=np.array([[0.4]]))
    comp = np.array([1.0 - share, share]).reshape(2, 1, 1)
    st = SimpleNamespace(
        there=np.array([[people]]), mingled=np.array([[mingled]]), comp=comp.copy()
    )
    return run, st


def test_each_person_displaced_ends_the_intermingling_of_one_over_m_residents() -> None:
    share, people, q = 0.3, 1_000_000.0, 0.8
    run, st = _one_region(share, people, q)
    m = 1.0 - ((1.0 - share) ** 2 + share**2)  # 0.42
    deaths = np.array([[100.0]])
    displaced, abroad = _displacement(run, st, deaths, np.array([[m]]), np.array([[q * m]]))  # type: ignore[arg-type]
    moved = 50.0 * 100.0 * q * m  # displaced per death x deaths x the local exposure
    assert displaced[0, 0] == pytest.approx(moved)
    assert abroad[0, 0] == pytest.approx(moved * 0.2)  # no foreign border: half the refugee share
    assert st.there[0, 0] == pytest.approx(people - moved)
    assert st.mingled[0, 0] == pytest.approx((q * people - moved / m) / (people - moved))
    # more than the leavers alone would un-mix (1 / m > 1), fewer than whole minority
    # neighbourhoods emptied (1 / share)
    alone = (q * people - moved) / (people - moved)
    emptied = (q * people - moved / share) / (people - moved)
    assert emptied < st.mingled[0, 0] < alone


def test_the_share_intermingled_never_goes_below_zero_nor_the_people_below_none() -> None:
    run, st = _one_region(0.2, 1000.0, 0.05)
    displaced, _ = _displacement(
        run,  # type: ignore[arg-type]
        st,  # type: ignore[arg-type]
        np.array([[1e6]]),
        np.array([[0.32]]),
        np.array([[0.05 * 0.32]]),
    )
    assert displaced[0, 0] == pytest.approx(1000.0)  # no more than live there
    assert st.there[0, 0] == 0.0
    assert st.mingled[0, 0] == 0.0


def test_no_deaths_leave_everyone_intermingled_as_they_were() -> None:
    run, st = _one_region(0.3, 1e6, 1.0)
    displaced, _ = _displacement(run, st, np.zeros((1, 1)), np.array([[0.42]]), np.array([[0.42]]))  # type: ignore[arg-type]
    assert displaced[0, 0] == 0.0
    assert st.mingled[0, 0] == 1.0
    assert st.there[0, 0] == 1e6


def _late_ratio(params: DynamicsParams, minority: float) -> float:
    """Mean deaths of the last year with heavy displacement over those with none."""
    inputs = DynamicsInputs(
        theatre=theatre(rate=20, mixed=minority), units=(unit(20000, T),), months=T
    )
    sorted_out = simulate(inputs, dataclasses.replace(params, displaced_per_death=2000.0), 200, 11)
    stayed = simulate(inputs, dataclasses.replace(params, displaced_per_death=0.0), 200, 11)
    late = slice(T - 12, T)
    return float(sorted_out.deaths[:, :, late].mean() / stayed.deaths[:, :, late].mean())


def test_only_the_sectarian_share_of_violence_goes_with_intermingling(
    params: DynamicsParams,
) -> None:
    """A region of one community with a small minority (2 m0 = 0.12 sectarian) keeps most of its
    violence when that minority is sorted out; an evenly mixed region (wholly sectarian) loses
    most of it. Under the rule before, both would fall alike towards nothing."""
    p = dataclasses.replace(params, self_excitation=0.2, spillover=0.0, shock_rate=0.0)
    homogeneous = _late_ratio(p, 0.03)
    mixed = _late_ratio(p, 0.5)
    assert homogeneous > 0.8
    assert mixed < 0.3


def test_a_sorted_region_displaces_no_one_though_its_violence_goes_on(
    params: DynamicsParams,
) -> None:
    inputs = DynamicsInputs(theatre=theatre(rate=20, mixed=0.1), units=(unit(20000, T),), months=T)
    run = simulate(inputs, dataclasses.replace(params, displaced_per_death=5000.0), 100, 3)
    late = slice(T - 12, T)
    assert run.deaths[:, :, late].sum() > 0
    assert run.displaced[:, late].sum() < 1e-6 * run.displaced[:, :12].sum()  # (R, T): national
