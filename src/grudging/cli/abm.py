"""``grudging abm``: Epstein's civil-violence models, live or saved, and the suppression curve.

Sub-commands: ``run`` (one model run, optionally drawn live in the terminal and saved as a GIF or
picture), ``compare`` (a mixed neighbourhood with and without a peacekeeping force, side by side)
and ``curve`` (sweep peacekeeper density and behaviour, fit the Hill suppression curve that the
governorate dynamics use). Only the standard library is imported here; numpy and the model are
imported inside the handlers.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

MODEL_CHOICES = ("1", "2")
PRESETS = ("netlogo", "mesa")
DEFAULT_SEED = 2007


def register(subparsers: Any) -> None:
    """Add ``abm`` and its sub-commands to the top-level parser."""
    abm = subparsers.add_parser(
        "abm",
        help="Epstein's civil-violence models (rebellion; two groups with peacekeepers)",
        description=(
            "Agent-based civil violence after Epstein (2002): Model I (rebellion against a central "
            "authority) and Model II (two groups and peacekeepers), vectorised with numpy."
        ),
    )
    abm.set_defaults(handler=lambda args: _help(abm))
    sub = abm.add_subparsers(dest="abm_command", metavar="ACTION", parser_class=type(abm))

    run = sub.add_parser(
        "run",
        help="run one model, optionally live in the terminal, and save a GIF or picture",
        description="Run Model I or II; draw it live (--live) and/or save it (--save out.gif).",
    )
    run.add_argument("--model", default="2", help="1 (rebellion) or 2 (two groups); default 2")
    _common_options(run, steps_help="steps to run (default 300 for Model I, 200 for Model II)")
    run.add_argument(
        "--peacekeepers",
        default=None,
        metavar="N|DENSITY",
        help="cops (Model I) or peacekeepers (Model II): a count (64) or a density per cell "
        "(0.04); default: the model's own (Model I 0.04, Model II 0)",
    )
    run.add_argument("--preset", default=None, help="Model I settings: netlogo (default) or mesa")
    run.add_argument("--legitimacy", type=float, default=None, help="legitimacy L in [0, 1]")
    run.add_argument("--live", action="store_true", help="draw the lattice in the terminal")
    run.add_argument("--fps", type=float, default=12.0, help="live frames per second (default 12)")
    run.add_argument(
        "--save", default=None, metavar="PATH", help="save an animation (.gif) or picture (.png)"
    )
    run.add_argument("--csv", default=None, metavar="PATH", help="save the series as CSV")
    run.set_defaults(handler=_run)

    compare = sub.add_parser(
        "compare",
        help="a mixed neighbourhood with and without a peacekeeping force, side by side",
        description=(
            "Run Model II twice from the same start (same seed): without peacekeepers and with a "
            "force (interposing by default); print the outcomes and save a side-by-side figure."
        ),
    )
    _common_options(compare, steps_help="steps to run (default 200)")
    compare.add_argument(
        "--peacekeepers",
        default="0.08",
        metavar="N|DENSITY",
        help="size of the force: a count or a density per cell (default 0.08)",
    )
    compare.add_argument("--legitimacy", type=float, default=None, help="legitimacy L in [0, 1]")
    compare.add_argument("--live", action="store_true", help="draw both lattices in the terminal")
    compare.add_argument("--fps", type=float, default=12.0, help="live frames per second")
    compare.add_argument(
        "--save",
        default="abm-compare.png",
        metavar="PATH",
        help="side-by-side figure (.png, .svg, .pdf); default abm-compare.png",
    )
    compare.add_argument("--gif", default=None, metavar="PATH", help="also a side-by-side GIF")
    compare.set_defaults(handler=_compare, behaviour_default="interpose")

    curve = sub.add_parser(
        "curve",
        help="sweep peacekeeper density and behaviour; fit the suppression curve",
        description=(
            "Sweep peacekeeper density and behaviour over replications of Model II, measure "
            "violence relative to no peacekeepers, fit 1 / (1 + (rho / rho50) ** h) with "
            "bootstrap 90 % intervals, print a table, write a tidy CSV and a JSON/YAML file."
        ),
    )
    curve.add_argument(
        "--densities",
        default=None,
        help="comma-separated peacekeeper densities per cell (default 0.01,0.02,0.04,0.08,0.16,"
        "0.24); 0 is always added as the reference",
    )
    curve.add_argument(
        "--behaviours",
        default="reactive,patrol,interpose",
        help="comma-separated behaviours (default reactive,patrol,interpose)",
    )
    curve.add_argument("--replications", type=int, default=6, help="runs per setting (default 6)")
    curve.add_argument("--steps", type=int, default=100, help="steps per run (default 100)")
    curve.add_argument("--seed", type=int, default=DEFAULT_SEED, help="master seed (default 2007)")
    curve.add_argument("--bootstrap", type=int, default=300, help="bootstrap resamples (300)")
    curve.add_argument("--salience", type=float, default=0.0, help="target salience in [0, 1]")
    curve.add_argument("--size", type=int, default=40, help="lattice side in cells (default 40)")
    curve.add_argument("--jobs", type=int, default=1, help="parallel processes (default 1)")
    curve.add_argument(
        "--activation",
        default="synchronous",
        help="synchronous (vectorised, default) or sequential (per agent, ~15x slower)",
    )
    curve.add_argument(
        "--rounding",
        default="floor",
        help="cop/active ratio rounding: floor (default), nearest, none",
    )
    curve.add_argument(
        "--out",
        default="abm-curve",
        metavar="PREFIX",
        help="output prefix: PREFIX.csv and PREFIX.json (or .yaml); default abm-curve",
    )
    curve.add_argument("--format", default="json", help="fit file format: json (default) or yaml")
    curve.add_argument("--plot", default=None, metavar="PATH", help="also plot the curve (.png)")
    curve.set_defaults(handler=_curve)


def _common_options(parser: argparse.ArgumentParser, *, steps_help: str) -> None:
    parser.add_argument("--steps", type=int, default=None, help=steps_help)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (2007)")
    parser.add_argument("--size", type=int, default=40, help="lattice side in cells (default 40)")
    parser.add_argument(
        "--behaviour",
        default=None,
        help="peacekeeper behaviour (Model II): reactive, patrol or interpose",
    )
    parser.add_argument(
        "--salient",
        action="store_true",
        help="peacekeepers are themselves targets and raise grievance (salience 0.5)",
    )
    parser.add_argument("--salience", type=float, default=None, help="target salience in [0, 1]")
    parser.add_argument(
        "--rounding", default=None, help="cop/active ratio rounding: floor, nearest or none"
    )
    parser.add_argument(
        "--activation", default=None, help="synchronous (vectorised) or sequential (per agent)"
    )


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


# ----------------------------------------------------------------------------- parsing
def _choice(flag: str, value: str, choices: tuple[str, ...]) -> str:
    from grudging.errors import ParameterError, unknown_name

    if value not in choices:
        raise ParameterError(f"{flag}: " + unknown_name("value", value, choices))
    return value


def _peacekeeper_density(text: str, cells: int, flag: str = "--peacekeepers") -> float:
    """A count (``64``) or a density per cell (``0.04``) as a density."""
    from grudging.errors import ParameterError

    hint = f"give a count such as 64 or a density per cell such as 0.04 (the lattice has {cells})"
    try:
        if text.strip().lstrip("+").isdigit():
            count = int(text)
            if count > cells:
                raise ParameterError(f"{flag} {text}: more than the {cells} cells; {hint}")
            density = count / cells
        else:
            density = float(text)
    except ValueError:
        raise ParameterError(f"{flag} {text!r} is not a number; {hint}") from None
    if not (0.0 <= density < 1.0):
        raise ParameterError(f"{flag} {text}: a density must be in [0, 1); {hint}")
    room = 1.0 - CITIZEN_DENSITY
    if density > room + 1e-12:
        raise ParameterError(
            f"{flag} {text}: the citizens fill {CITIZEN_DENSITY:g} of the cells (one agent a "
            f"cell), so there is room for {room:.2g} a cell, {int(room * cells + 1e-9)} here; "
            "give at most that"
        )
    return density


#: Citizens per cell in both models (Epstein 2002; NetLogo's and Mesa's 0.7), which no flag sets.
CITIZEN_DENSITY = 0.70


def _float_list(flag: str, text: str) -> tuple[float, ...]:
    from grudging.errors import ParameterError

    values = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            values.append(float(item))
        except ValueError:
            raise ParameterError(
                f"{flag}: '{item}' is not a number; give comma-separated numbers like 0.02,0.04"
            ) from None
    if not values:
        raise ParameterError(f"{flag} is empty; give comma-separated numbers like 0.02,0.04")
    return tuple(values)


def _word_list(flag: str, text: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    words = tuple(w.strip() for w in text.split(",") if w.strip())
    for word in words:
        _choice(flag, word, choices)
    if not words:
        _choice(flag, "", choices)
    return words


def _save_path(text: str | None, allowed: tuple[str, ...], flag: str) -> Path | None:
    from grudging.errors import ParameterError

    if text is None:
        return None
    path = Path(text)
    if path.suffix.lower() not in allowed:
        raise ParameterError(
            f"{flag} {text}: unknown file type '{path.suffix or '(none)'}'; "
            f"use one of {', '.join(allowed)}"
        )
    if not path.parent.exists():
        raise ParameterError(f"{flag} {text}: folder '{path.parent}' does not exist; create it")
    from grudging.cli._checks import writable_file

    return writable_file(path, flag, allowed, create_parents=False)  # checked before any run


def _check_model_flags(args: argparse.Namespace) -> None:
    """The models' settings given as flags, refused in terms of the flag before any work."""
    from grudging.abm.config import ACTIVATIONS, BEHAVIOURS, ROUNDINGS
    from grudging.errors import ParameterError

    for flag, choices in (
        ("--behaviour", BEHAVIOURS),
        ("--rounding", ROUNDINGS),
        ("--activation", ACTIVATIONS),
    ):
        value = getattr(args, flag[2:], None)
        if value is not None:
            _choice(flag, value, choices)
    for flag in ("--salience", "--legitimacy"):
        value = getattr(args, flag[2:], None)
        if value is not None and not 0.0 <= value <= 1.0:  # NaN fails too
            raise ParameterError(f"{flag} {value:g}: give a number from 0 to 1")


def _check_curve_sizes(args: argparse.Namespace) -> None:
    """The curve's counts, refused in terms of their flags (the bounds of its settings)."""
    from grudging.abm.curve import COUNT_BOUNDS
    from grudging.errors import ParameterError

    for name, why in (
        ("replications", " (intervals need at least 2)"),
        ("steps", ""),
        ("bootstrap", " (0: no intervals)"),
    ):
        value, (least, most) = getattr(args, name), COUNT_BOUNDS[name]
        if not least <= value <= most:
            raise ParameterError(
                f"--{name} {value}: give a whole number from {least:,} to {most:,}{why}"
            )


def _salience(args: argparse.Namespace) -> float | None:
    if args.salience is not None:
        return float(args.salience)
    return 0.5 if args.salient else None


def _sized(build: Any, size: int) -> Any:
    """The configuration ``build(size)`` makes; a lattice too small for the agents' vision is
    refused in terms of ``--size`` (the smallest side that fits), not of the fields it sets."""
    from grudging.errors import ParameterError

    try:
        return build(size)
    except ParameterError:
        for side in range(max(size + 1, 3), 65):
            try:
                build(side)
            except ParameterError:
                continue
            raise ParameterError(
                f"--size {size}: too small a lattice for the agents' vision (they would see cells "
                f"twice); give --size {side} or more"
            ) from None
        raise


def _model2_config(
    args: argparse.Namespace, density: float | None, behaviour: str | None, side: int | None = None
) -> Any:
    from dataclasses import replace

    from grudging.abm.config import ModelIIConfig, PeacekeeperConfig

    side = args.size if side is None else side
    overrides: dict[str, Any] = {"width": side, "height": side}
    for name in ("rounding", "activation", "legitimacy"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    config = ModelIIConfig(**overrides)
    keepers: dict[str, Any] = {}
    if behaviour is not None:
        keepers["behaviour"] = behaviour
    salience = _salience(args)
    if salience is not None:
        keepers["salience"] = salience
    if keepers:
        config = replace(config, peacekeepers=PeacekeeperConfig(**keepers))
    if density is not None:
        config = replace(config, peacekeeper_density=density)
    return config


# ---------------------------------------------------------------------------- handlers
def _run(args: argparse.Namespace) -> int:
    from grudging.errors import ParameterError

    model_id = _choice("--model", str(args.model), MODEL_CHOICES)
    _check_model_flags(args)
    save = _save_path(args.save, (".gif", ".png", ".svg", ".pdf"), "--save")
    csv = _save_path(args.csv, (".csv",), "--csv")
    cells = args.size * args.size
    _check_memory(args.size)
    density = (
        _peacekeeper_density(args.peacekeepers, cells) if args.peacekeepers is not None else None
    )
    if model_id == "1":
        for flag, value in (
            ("--behaviour", args.behaviour),
            ("--salient/--salience", _salience(args)),
        ):
            if value is not None:
                raise ParameterError(
                    f"{flag} applies to Model II (peacekeepers between two groups); Model I has "
                    "cops that only arrest rebels. Drop the flag or use --model 2"
                )
        preset = _choice("--preset", args.preset or "netlogo", PRESETS)
        from grudging.abm.config import ModelIConfig
        from grudging.abm.model1 import RebellionModel
        from grudging.abm.render import MODEL_I_PALETTE

        overrides: dict[str, Any] = {"width": args.size, "height": args.size}
        for name in ("rounding", "activation", "legitimacy"):
            if getattr(args, name) is not None:
                overrides[name] = getattr(args, name)
        if density is not None:
            overrides["cop_density"] = density
        config1 = _sized(
            lambda side: getattr(ModelIConfig, preset)(
                **{**overrides, "width": side, "height": side}
            ),
            args.size,
        )
        model: Any = RebellionModel(config1, _rng(args.seed))
        palette = MODEL_I_PALETTE
        steps = args.steps if args.steps is not None else 300
        title = f"Model I ({preset}), seed {args.seed}"
    else:
        from grudging.abm.model2 import InterGroupModel
        from grudging.abm.render import MODEL_II_PALETTE

        if args.preset is not None:
            raise ParameterError(
                "--preset applies to Model I (its NetLogo or Mesa settings); Model II has none. "
                "Drop the flag or use --model 1"
            )
        behaviour = args.behaviour
        config2 = _sized(lambda side: _model2_config(args, density, behaviour, side), args.size)
        model = InterGroupModel(config2, _rng(args.seed))
        palette = MODEL_II_PALETTE
        steps = args.steps if args.steps is not None else 200
        kind = config2.peacekeepers.behaviour if config2.peacekeeper_count else "no"
        title = f"Model II, {config2.peacekeeper_count} {kind} peacekeepers, seed {args.seed}"
    _check_steps(steps)
    _check_fps(args.fps)
    if save is not None:
        gif = save.suffix.lower() == ".gif"
        _check_frames(args.size, steps, 1, gif, "the GIF" if gif else "the figure")
    series, frames = _drive(model, steps, palette, args, title, keep_frames=save is not None)
    _report_run(model, series, model_id, title)
    _write_outputs(series, frames, palette, title, save, csv)
    return 0


def _check_memory(size: int, models: int = 1, jobs: bool = False) -> None:
    """Refuse lattices too large for the memory (``models`` at once, one per process with
    ``jobs``), before any model is built."""
    from grudging.abm.config import CELL_BYTES, MODEL_BASE_BYTES
    from grudging.errors import ParameterError
    from grudging.machine import available_memory, human_bytes

    available = available_memory()
    need = models * (size * size * CELL_BYTES + MODEL_BASE_BYTES)
    if available is not None and need > available:
        side = int(max(available / models - MODEL_BASE_BYTES, 0) / CELL_BYTES) ** 0.5
        what = f"{models} lattices of" if models > 1 else "a lattice of"
        raise ParameterError(
            f"--size {size}: {what} {size:,} x {size:,} cells would need about "
            f"{human_bytes(need)} of memory, and {human_bytes(available)} is available; use "
            f"--size {max(int(side), 3)} or less" + (" or fewer --jobs" if jobs else "")
        )


#: Copies of the frames a run holds at its peak, a lattice, in bytes a cell a step (the list, its
#: stack; with a GIF also its joined frames and their drawing). Measured peaks: ``compare``, two
#: lattices, 7.5 copies with its GIF (``--size 200 --steps 2000``); ``run``, one lattice, 1.9
#: copies saved as PNG and 2.8 as GIF.
FRAME_COPIES, GIF_FRAME_COPIES = 2, 4


def _check_frames(size: int, steps: int, lattices: int, gif: bool, kept_for: str) -> None:
    """Refuse a run whose frames (every step of ``lattices`` lattices, kept for the figure or
    the GIF) cannot fit in memory, before the run rather than when it ends."""
    from grudging.abm.config import CELL_BYTES, MODEL_BASE_BYTES
    from grudging.errors import ParameterError
    from grudging.machine import available_memory, human_bytes

    available = available_memory()
    copies = lattices * (GIF_FRAME_COPIES if gif else FRAME_COPIES)
    models = lattices * (size * size * CELL_BYTES + MODEL_BASE_BYTES)
    need = models + copies * (steps + 1) * size * size
    if available is not None and need > available:
        most = max((available - models) // (copies * size * size) - 1, 0)
        fix = (
            f"use --steps {most:,} or less, or a smaller --size" if most else "use a smaller --size"
        )
        what = (
            f"two {size:,} x {size:,} lattices"
            if lattices == 2
            else f"a {size:,} x {size:,} lattice"
        )
        raise ParameterError(
            f"--steps {steps:,}: the frames of {what} over {steps:,} "
            f"step{'s' if steps != 1 else ''} (kept for {kept_for}) would need about "
            f"{human_bytes(need)} of memory, and {human_bytes(available)} is available; {fix}"
        )


def _check_steps(steps: int) -> None:
    from grudging.errors import ParameterError

    if not (1 <= steps <= 1_000_000):
        raise ParameterError(f"--steps {steps}: give a number of steps in [1, 1000000]")


#: Most frames a second the live view draws.
MAX_FPS = 240.0


def _check_fps(fps: float) -> None:
    from grudging.errors import ParameterError

    if not 0.0 <= fps <= MAX_FPS:  # NaN fails too
        raise ParameterError(
            f"--fps {fps}: give frames per second from 0 (as fast as it draws) to {MAX_FPS:g}"
        )


def _rng(seed: int) -> Any:
    from grudging.errors import ParameterError
    from grudging.rng import make_rng

    if seed < 0:
        raise ParameterError(f"--seed {seed}: a seed must be a non-negative integer")
    return make_rng(seed)


def _drive(
    model: Any, steps: int, palette: Any, args: argparse.Namespace, title: str, *, keep_frames: bool
) -> tuple[dict[str, list[int]], list[Any]]:
    """Step a model, recording its counts (and frames), drawing it live when asked."""
    from grudging.cli._output import console

    series: dict[str, list[int]] = {}
    frames: list[Any] = []

    def record() -> None:
        for name, value in model.counts().items():
            series.setdefault(name, []).append(int(value))
        if keep_frames:
            frames.append(model.grid_codes())

    record()

    def advance() -> None:
        model.step()
        record()

    if args.live:
        from grudging.abm.render import live_view

        live_view(
            advance,
            model.grid_codes,
            model.counts,
            steps,
            palette,
            console=console,
            fps=args.fps,
            title=title,
        )
    else:
        for _ in range(steps):
            advance()
    return series, frames


def _report_run(model: Any, series: dict[str, list[int]], model_id: str, title: str) -> None:
    from rich.table import Table

    from grudging.cli._output import console

    table = Table(title=title, show_header=True)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    if model_id == "1":
        active = series["active"]
        table.add_row("citizens / cops", f"{model.n_citizens} / {model.n_cops}")
        table.add_row("active now / peak", f"{active[-1]} / {max(active)}")
        table.add_row("jailed now", str(series["jailed"][-1]))
        table.add_row("arrests", str(sum(series["arrests"])))
    else:
        killed = [b + g for b, g in zip(series["blue_killed"], series["green_killed"], strict=True)]
        table.add_row("blue / green now", f"{series['blue'][-1]} / {series['green'][-1]}")
        table.add_row("killings", str(sum(killed)))
        table.add_row("arrests", str(sum(series["arrests"])))
        table.add_row(
            "peacekeepers / casualties",
            f"{model.n_keepers} / {sum(series['peacekeeper_casualties'])}",
        )
        ext = model.extinction_step
        table.add_row("one group extinct at step", "-" if ext is None else str(ext))
    console.print(table)


def _write_outputs(
    series: dict[str, list[int]],
    frames: list[Any],
    palette: Any,
    title: str,
    save: Path | None,
    csv: Path | None,
) -> None:
    import numpy as np

    from grudging.cli._output import console

    if csv is not None:
        import pandas as pd

        frame = pd.DataFrame(series)
        frame.index.name = "step"
        frame.to_csv(csv)
        console.print(f"series written to {csv}")
    if save is not None:
        from grudging.abm import render

        stacked = np.stack(frames)
        if save.suffix.lower() == ".gif":
            render.save_animation(stacked, save, palette, title=title)
        else:
            shown = {k: np.asarray(v) for k, v in series.items() if _plotted(k)}
            render.save_snapshot(stacked[-1], shown, save, palette, title=title)
        console.print(f"saved {save}", soft_wrap=True)


def _plotted(name: str) -> bool:
    return name in {"quiet", "active", "jailed", "blue", "green", "blue_active", "green_active"}


def _compare(args: argparse.Namespace) -> int:
    import numpy as np
    from rich.table import Table

    from grudging.abm.curve import coexistence_violence
    from grudging.abm.metrics import safe_havens
    from grudging.abm.model2 import InterGroupModel, InterGroupRun
    from grudging.abm.render import MODEL_II_PALETTE, live_view, save_animation, save_comparison
    from grudging.cli._output import console
    from grudging.rng import stream

    _check_model_flags(args)
    save = _save_path(args.save, (".png", ".svg", ".pdf"), "--save")
    gif = _save_path(args.gif, (".gif",), "--gif")
    steps = args.steps if args.steps is not None else 200
    _check_steps(steps)
    _check_fps(args.fps)
    _check_memory(args.size, models=2)
    kept_for = "the figure and the GIF" if gif is not None else "the figure"
    _check_frames(args.size, steps, 2, gif is not None, kept_for)
    _rng(args.seed)
    density = _peacekeeper_density(args.peacekeepers, args.size * args.size)
    behaviour = args.behaviour or args.behaviour_default
    with_force = _sized(lambda side: _model2_config(args, density, behaviour, side), args.size)
    without = _model2_config(args, 0.0, behaviour)
    names = ("no force", f"{with_force.peacekeeper_count} {behaviour}")
    models = [InterGroupModel(c, stream(args.seed, "abm-compare")) for c in (without, with_force)]
    series: list[dict[str, list[int]]] = [{}, {}]
    frames: list[list[Any]] = [[], []]

    def record() -> None:
        for i, model in enumerate(models):
            for name, value in model.counts().items():
                series[i].setdefault(name, []).append(int(value))
            frames[i].append(model.grid_codes())

    def advance() -> None:
        for model in models:
            model.step()
        record()

    def side_by_side() -> Any:
        a, b = frames[0][-1], frames[1][-1]
        gap = np.zeros((a.shape[0], 2), dtype=a.dtype)
        return np.concatenate((a, gap, b), axis=1)

    def status() -> dict[str, object]:
        return {
            f"{name}: blue/green": f"{s['blue'][-1]}/{s['green'][-1]}"
            for name, s in zip(names, series, strict=True)
        }

    record()
    if args.live:
        live_view(
            advance,
            side_by_side,
            status,
            steps,
            MODEL_II_PALETTE,
            console=console,
            fps=args.fps,
            title=f"left: {names[0]}   right: {names[1]}",
        )
    else:
        for _ in range(steps):
            advance()
    runs = [
        InterGroupRun(
            model.config,
            {k: np.asarray(v, dtype=np.int64) for k, v in s.items()},
            model.extinction_step,
            np.stack(f),
        )
        for model, s, f in zip(models, series, frames, strict=True)
    ]
    table = Table(title=f"Mixed neighbourhood, {steps} steps, seed {args.seed}")
    table.add_column("outcome")
    for name in names:
        table.add_column(name, justify="right")
    rows: list[tuple[str, list[str]]] = []
    rows.append(("killings", [str(int(r.killings.sum())) for r in runs]))
    rows.append(
        (
            "deaths / 1,000 agents / 100 steps while mixed (births replace the dead)",
            [f"{coexistence_violence(r)[0]:.0f}" for r in runs],
        )
    )
    rows.append(
        (
            "one group extinct at step",
            ["-" if r.extinction_step is None else str(r.extinction_step) for r in runs],
        )
    )
    rows.append(
        (
            "smaller group at the end",
            [str(int(min(r.series["blue"][-1], r.series["green"][-1]))) for r in runs],
        )
    )
    havens = safe_havens(runs[1].frames[-1]) if runs[1].frames is not None else None
    if havens is not None and with_force.peacekeeper_count and havens.cells_near > 0:
        share = f"{havens.weaker_near:.0%} vs {havens.cells_near:.0%} of cells"
        rows.append(("weaker group within 2 cells of a peacekeeper", ["-", share]))
    for label, values in rows:
        table.add_row(label, *values)
    console.print(table)
    if save is not None:
        save_comparison(runs, names, save)
        console.print(f"saved {save}", soft_wrap=True)
    if gif is not None:
        joined = np.stack(
            [
                np.concatenate((a, np.zeros((a.shape[0], 2), a.dtype), b), axis=1)
                for a, b in zip(frames[0], frames[1], strict=True)
            ]
        )
        save_animation(joined, gif, MODEL_II_PALETTE, title=f"{names[0]} | {names[1]}")
        console.print(f"saved {gif}", soft_wrap=True)
    return 0


def _curve(args: argparse.Namespace) -> int:
    import json

    from rich.table import Table

    from grudging.abm.config import BEHAVIOURS, ModelIIConfig
    from grudging.abm.curve import CurveSettings, suppression_curve
    from grudging.cli._checks import writable_file
    from grudging.cli._output import console
    from grudging.errors import ParameterError

    fmt = _choice("--format", args.format, ("json", "yaml"))
    _check_model_flags(args)
    _check_curve_sizes(args)
    plot = _save_path(args.plot, (".png", ".svg", ".pdf"), "--plot")
    out = Path(args.out)
    if not out.parent.exists():
        raise ParameterError(f"--out {args.out}: folder '{out.parent}' does not exist; create it")
    for suffix in (".csv", f".{fmt}"):
        writable_file(Path(f"{out}{suffix}"), "--out", create_parents=False)
    if not (1 <= args.jobs <= 256):
        raise ParameterError(f"--jobs {args.jobs}: give a number of processes in [1, 256]")
    _check_memory(args.size, models=args.jobs, jobs=True)
    _rng(args.seed)
    densities = (
        _float_list("--densities", args.densities)
        if args.densities is not None
        else CurveSettings().densities
    )
    base = _sized(
        lambda side: ModelIIConfig(
            width=side, height=side, activation=args.activation, rounding=args.rounding
        ),
        args.size,
    )
    room = 1.0 - base.citizen_density
    for density in densities:
        if not 0.0 <= density <= room:  # NaN fails too
            raise ParameterError(
                f"--densities {args.densities}: {density:g} is outside [0, {room:g}] (the "
                f"citizens fill {base.citizen_density:g} of the cells, one agent a cell); give "
                "peacekeepers per cell, e.g. 0.04"
            )
    settings = CurveSettings(
        densities=densities,
        behaviours=_word_list("--behaviours", args.behaviours, BEHAVIOURS),
        replications=args.replications,
        steps=args.steps,
        seed=args.seed,
        bootstrap=args.bootstrap,
        salience=args.salience,
        base=base,
    )
    if len({d for d in densities if d > 0}) < 2:
        raise ParameterError(
            f"--densities {args.densities}: the curve has two parameters (the half-suppression "
            "density and the steepness); give at least two different positive densities, e.g. "
            "0,0.05,0.1,0.2"
        )
    with console.status("sweeping peacekeeper density and behaviour ..."):
        curve = suppression_curve(settings, jobs=args.jobs)

    table = Table(title="Suppression curve  m(rho) = 1 / (1 + (rho / rho50)^h)   [90 % interval]")
    for column in ("behaviour", "rho50 (per cell)", "rho50 (per 1,000 inhabitants)", "h", "rmse"):
        table.add_column(column, justify="right" if column != "behaviour" else "left")
    for name, fit in curve.fits.items():
        table.add_row(
            name,
            f"{fit.rho50:.3f} [{fit.rho50_interval[0]:.3f}, {fit.rho50_interval[1]:.3f}]",
            f"{fit.rho50_per_1000:.0f} [{fit.rho50_per_1000_interval[0]:.0f}, "
            f"{fit.rho50_per_1000_interval[1]:.0f}]",
            f"{fit.h:.2f} [{fit.h_interval[0]:.2f}, {fit.h_interval[1]:.2f}]",
            f"{fit.rmse:.3f}",
        )
    console.print(table)
    summary = curve.summary()
    means = Table(title="Mean relative violence (deaths while mixed, vs no peacekeepers)")
    means.add_column("density")
    for name in summary.columns:
        means.add_column(str(name), justify="right")
    for density, row in zip(summary.index.to_numpy(), summary.to_numpy(), strict=True):
        means.add_row(f"{float(density):g}", *(f"{v:.3f}" for v in row))
    console.print(means)

    csv_path = out.with_name(out.name + ".csv")
    curve.data.to_csv(csv_path, index=False)
    meta_path = out.with_name(out.name + "." + fmt)
    meta = _no_nan(json.loads(json.dumps(curve.metadata(), default=_plain)))
    if fmt == "json":
        meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    else:
        import yaml

        meta_path.write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    console.print(f"wrote {csv_path} and {meta_path}", soft_wrap=True)
    if plot is not None:
        from grudging.abm.render import save_curve_plot

        save_curve_plot(curve, plot)
        console.print(f"saved {plot}", soft_wrap=True)
    return 0


def _no_nan(value: Any) -> Any:
    """``value`` with every NaN (an interval without bootstrap) as ``None``: JSON has no NaN."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_nan(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """JSON fallback for numpy scalars and tuples."""
    if hasattr(value, "item"):
        return value.item()
    return str(value)
