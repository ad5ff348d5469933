"""Benchmark: the bargain across parameter draws, vectorised, against the scalar bargain in a loop.

Draws a Latin hypercube over the declared ranges of the scenario's bargaining parameters (1,000
draws by default) and evaluates the bargain under one guarantor at every draw with n coding draws
(400), in one call of ``bargain_draws`` on one core. The reference is ``bargain`` (the scalar
stage, ``n_terms=0``) called once per draw in a loop: it is timed on the first ``--loop`` draws
and extrapolated to all of them (said so in the output), in the same process. Prints seconds,
parameter draws per second, the ratio, and the peak traced memory of the vectorised call.

    uv run python benchmarks/bench_bargain.py [--draws 1000] [--n 400] [--loop 20] [--guarantor nato]

Figures vary with the machine; quote the ratio, measured in the same run.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

from grudging.model.bargain import BargainParams, bargain, default_guarantor
from grudging.model.bargain.draws import bargain_draws
from grudging.model.bargain.params import params_at
from grudging.model.parameters import stage_parameters
from grudging.model.sampling import latin_hypercube
from grudging.rng import make_rng, stream
from grudging.scenario import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="iraq-2007")
    parser.add_argument("--guarantor", default="nato")
    parser.add_argument("--draws", type=int, default=1000, help="parameter draws (LHS)")
    parser.add_argument("--n", type=int, default=400, help="coding draws per parameter draw")
    parser.add_argument("--loop", type=int, default=20, help="draws timed with the scalar loop")
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats of the vectorised run")
    args = parser.parse_args()

    scn = load_scenario(args.scenario)
    declared = [p for p in scn.parameters if p.stage == "bargain" and p.high > p.low]
    values = dict(scn.parameter_values())
    values.update(latin_hypercube(declared, args.draws, stream(1, "bench_bargain", "lhs")))
    params = stage_parameters(BargainParams, values, "bargain")

    bargain_draws(scn, args.guarantor, None, params_at(params, 0), make_rng(1), args.n)  # warm-up
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = bargain_draws(scn, args.guarantor, None, params, make_rng(1), args.n)
        times.append(time.perf_counter() - start)
    vector = min(times)

    tracemalloc.start()
    bargain_draws(scn, args.guarantor, None, params, make_rng(1), args.n)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    loop_draws = min(args.loop, args.draws)
    start = time.perf_counter()
    for i in range(loop_draws):
        p_i = params_at(params, i)
        g = default_guarantor(args.guarantor, p_i)
        bargain(scn, g, None, p_i, make_rng(1), args.n, n_terms=0)
    loop = (time.perf_counter() - start) / loop_draws * args.draws

    print(
        f"scenario {scn.id}, guarantor {args.guarantor}: {len(declared)} bargaining parameters "
        f"varied (Latin hypercube), {args.n} coding draws each, "
        f"{len(scn.factions)} factions x {len(scn.issues)} issues"
    )
    print(
        f"vectorised: {args.draws:,} parameter draws in {vector:.2f} s (best of {args.repeat}) "
        f"= {args.draws / vector:,.0f} draws/s; {result.exact_offers} offers needed SLSQP; "
        f"P(deal) from {result.p_deal.min():.3f} to {result.p_deal.max():.3f}"
    )
    print(
        f"scalar loop: {loop_draws} draws timed, extrapolated to {args.draws:,}: {loop:.1f} s "
        f"= {args.draws / loop:,.1f} draws/s ({1000 * loop / args.draws:.1f} ms per draw)"
    )
    print(f"ratio (vectorised / loop): {loop / vector:,.0f}x")
    print(f"peak traced memory of the vectorised run: {peak / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
