"""Settings of the civil-violence models, with the replication pitfalls as explicit switches.

Epstein's models have been re-implemented many times, and the implementations disagree on details
the paper leaves open. Each such detail is a named switch here, never a buried choice:

``rounding``
    How the cop-to-active ratio ``C / (A + 1)`` enters the arrest probability
    ``P = 1 - exp(-k * round(C / (A + 1)))``: ``"floor"`` (NetLogo's Rebellion and the original
    Brookings Ascape code, which divides integers), ``"nearest"`` (Mesa's example, Python's
    ``round``: halves go to the even neighbour) or ``"none"`` (the formula as printed).
``activation``
    ``"synchronous"``: every agent of a phase acts on the state at the start of the phase
    (vectorised, fast). ``"sequential"``: agents act one at a time in a fresh random order each
    step and see what earlier agents did (Mesa's ``shuffle_do``; slow, the reference).
``jail_mode``
    ``"removed"``: a jailed agent leaves the lattice and comes back near its old site when released
    (Epstein; Ascape). ``"occupy"``: it keeps its cell while in jail (Mesa 3.3.1).
``jail_draw``
    ``"inclusive"``: the term is uniform on ``{0, ..., J_max}`` (Epstein's ``U(0, J_max)``, Mesa's
    ``randint``); ``"exclusive"``: on ``{0, ..., J_max - 1}`` (NetLogo's ``random``); ``"fixed"``:
    always ``J_max``.
``cop_takes_arrest_site``
    Whether a cop moves into the cell of the agent it arrested (NetLogo, Ascape) instead of making
    its ordinary move (Mesa). Only meaningful when jailed agents are removed.

References
----------
Epstein, J. M. (2002). Modeling civil violence: An agent-based computational approach. PNAS 99
(suppl. 3), 7243-7250. doi:10.1073/pnas.092080199.
Epstein, J. M., Steinbruner, J. D. & Parker, M. T. (2001). Modeling civil violence: An agent-based
computational approach. Brookings CSED Working Paper 20.
Wilensky, U. (2004). NetLogo Rebellion model. Center for Connected Learning and Computer-Based
Modeling, Northwestern University.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, get_args

from grudging.errors import ParameterError, unknown_name

Rounding = Literal["floor", "nearest", "none"]
Activation = Literal["synchronous", "sequential"]
JailMode = Literal["removed", "occupy"]
JailDraw = Literal["inclusive", "exclusive", "fixed"]
VisionShape = Literal["von_neumann", "moore", "euclidean", "cross"]
BehaviourName = Literal["reactive", "patrol", "interpose"]
OffspringTraits = Literal["inherited", "fresh"]

ROUNDINGS: tuple[str, ...] = get_args(Rounding)
ACTIVATIONS: tuple[str, ...] = get_args(Activation)
JAIL_MODES: tuple[str, ...] = get_args(JailMode)
JAIL_DRAWS: tuple[str, ...] = get_args(JailDraw)
VISION_SHAPES: tuple[str, ...] = get_args(VisionShape)
BEHAVIOURS: tuple[str, ...] = get_args(BehaviourName)
OFFSPRING_TRAITS: tuple[str, ...] = get_args(OffspringTraits)


def _choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ParameterError(
            unknown_name(name, str(value), choices) + f"; set {name} to one of them"
        )


def _number(name: str, value: Any) -> None:
    """Refuse a value that is not a real number (text, None, a yes/no)."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} = {value!r}: give a number")


def _flags(**flags: Any) -> None:
    """Refuse a switch that is not True or False (the text 'no' would read as true)."""
    for name, value in flags.items():
        if not isinstance(value, bool) and type(value).__name__ != "bool_":
            raise ParameterError(f"{name} = {value!r}: give True or False")


def _unit(name: str, value: float, *, open_low: bool = False, open_high: bool = False) -> None:
    _number(name, value)
    low_ok = value > 0 if open_low else value >= 0
    high_ok = value < 1 if open_high else value <= 1
    if not (math.isfinite(value) and low_ok and high_ok):
        low = "(0" if open_low else "[0"
        high = "1)" if open_high else "1]"
        raise ParameterError(
            f"{name} = {value!r} is outside {low}, {high}; give a value in that range"
        )


def _positive(name: str, value: float, *, allow_zero: bool = False) -> None:
    _number(name, value)
    ok = value >= 0 if allow_zero else value > 0
    if not (math.isfinite(value) and ok):
        bound = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"{name} = {value!r} must be {bound}; give a value {bound}")


def _check_rebellion(
    legitimacy: float, threshold: float, arrest_constant: float, max_jail_term: int, jail_draw: str
) -> None:
    """The settings both models share: grievance, the arrest estimate and jail terms."""
    _unit("legitimacy", legitimacy)
    _unit("threshold", threshold)
    _positive("arrest_constant", arrest_constant)
    if not (isinstance(max_jail_term, int) and 0 <= max_jail_term <= 10**6):
        raise ParameterError(
            f"max_jail_term = {max_jail_term!r} must be an integer in [0, 1000000] steps"
        )
    if jail_draw == "exclusive" and max_jail_term < 1:
        raise ParameterError(
            "jail_draw = 'exclusive' draws from {0, ..., max_jail_term - 1}, which is empty "
            "for max_jail_term = 0; use jail_draw 'inclusive' or a longer term"
        )


@dataclass(frozen=True)
class Vision:
    """How far an agent sees: the cells of a neighbourhood shape of a given radius.

    ``"von_neumann"``: Manhattan distance ``<= radius`` (Mesa's ``get_neighborhood`` on its
    von Neumann grid); ``"moore"``: Chebyshev distance ``<= radius``; ``"euclidean"``: Euclidean
    distance ``<= radius`` (NetLogo's ``in-radius``; Ascape's ``countWithin``, so ``1.7`` is the
    8 adjacent cells); ``"cross"``: up to ``radius`` cells north, south, east and west only
    (Epstein's wording, "the number of lattice positions (north, south, east, and west)"). The
    agent's own cell is never part of it.
    """

    shape: VisionShape = "von_neumann"
    radius: float = 7.0

    def __post_init__(self) -> None:
        _choice("vision shape", self.shape, VISION_SHAPES)
        if not (math.isfinite(self.radius) and 1.0 <= self.radius <= 64.0):
            raise ParameterError(
                f"vision radius = {self.radius!r} is outside [1, 64]; an agent must see at least "
                "its adjacent cells and no more than 64 cells away"
            )

    @property
    def reach(self) -> int:
        """The largest row or column offset inside the neighbourhood."""
        return math.floor(self.radius + 1e-9)

    def label(self) -> str:
        """A short human label such as ``von_neumann(7)``."""
        return f"{self.shape}({self.radius:g})"


#: Memory a lattice cell takes while a model steps (measured: about 150 bytes for Model I and
#: 110 for Model II, with room), and a model's fixed share.
CELL_BYTES, MODEL_BASE_BYTES = 200, 150 * 2**20


def check_lattice_memory(width: int, height: int) -> None:
    """Refuse a lattice too large for the memory available, before any array is built."""
    from grudging.machine import available_memory, human_bytes

    available = available_memory()
    need = width * height * CELL_BYTES + MODEL_BASE_BYTES
    if available is not None and need > available:
        side = max(int(max(available - MODEL_BASE_BYTES, 0) / CELL_BYTES) ** 0.5, 3)
        raise ParameterError(
            f"width x height = {width:,} x {height:,} cells would need about {human_bytes(need)} "
            f"of memory, and {human_bytes(available)} is available; use a lattice of at most "
            f"about {int(side):,} x {int(side):,}"
        )


def _check_lattice(width: int, height: int, *visions: Vision) -> None:
    import numbers

    for name, value in (("width", width), ("height", height)):
        whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        if not (whole and 3 <= value <= 20_000):
            raise ParameterError(f"{name} = {value!r} must be an integer in [3, 20000] cells")
    for vision in visions:
        if 2 * vision.reach + 1 > min(width, height):
            raise ParameterError(
                f"vision {vision.label()} does not fit a {width} x {height} torus (it would see "
                f"cells twice); use a radius of at most {(min(width, height) - 1) // 2} or a "
                "larger lattice"
            )


def _check_switches(
    rounding: str, activation: str, jail_mode: str, jail_draw: str, conflict_rounds: int
) -> None:
    _choice("rounding", rounding, ROUNDINGS)
    _choice("activation", activation, ACTIVATIONS)
    _choice("jail_mode", jail_mode, JAIL_MODES)
    _choice("jail_draw", jail_draw, JAIL_DRAWS)
    if not (isinstance(conflict_rounds, int) and 1 <= conflict_rounds <= 16):
        raise ParameterError(
            f"conflict_rounds = {conflict_rounds!r} must be an integer in [1, 16] (how many times "
            "an agent that lost a contested cell or target tries again in the same step)"
        )


@dataclass(frozen=True)
class ModelIConfig:
    """Epstein's Model I: generalised rebellion against a central authority.

    Citizens have hardship ``H ~ U(0, 1)`` and risk aversion ``R ~ U(0, 1)``; grievance is
    ``G = H (1 - L)``. A free citizen is active when ``G - R P > T`` with
    ``P = 1 - exp(-k round(C / (A + 1)))``, ``C`` the cops and ``A`` the active citizens in its
    vision. Cops arrest one random active citizen in their vision; the arrested serve a term drawn
    up to ``max_jail_term``. Everyone free moves to a random empty cell in their vision.

    The defaults are NetLogo Rebellion's (Wilensky 2004), which follow Epstein's runs; use
    :meth:`mesa` for the configuration of Mesa 3.3.1's example.
    """

    width: int = 40
    height: int = 40
    citizen_density: float = 0.70
    cop_density: float = 0.04
    citizen_vision: Vision = field(default_factory=lambda: Vision("euclidean", 7.0))
    cop_vision: Vision = field(default_factory=lambda: Vision("euclidean", 7.0))
    legitimacy: float = 0.82
    threshold: float = 0.1
    arrest_constant: float = 2.3
    max_jail_term: int = 30
    movement: bool = True
    rounding: Rounding = "floor"
    activation: Activation = "synchronous"
    jail_mode: JailMode = "removed"
    jail_draw: JailDraw = "exclusive"
    cop_takes_arrest_site: bool = True
    conflict_rounds: int = 2

    def __post_init__(self) -> None:
        _check_lattice(self.width, self.height, self.citizen_vision, self.cop_vision)
        _unit("citizen_density", self.citizen_density, open_low=True)
        _unit("cop_density", self.cop_density)
        if self.citizen_density + self.cop_density > 1.0:
            raise ParameterError(
                f"citizen_density + cop_density = {self.citizen_density + self.cop_density:g} "
                "exceeds 1 (one agent per cell); lower one of them"
            )
        _check_rebellion(
            self.legitimacy,
            self.threshold,
            self.arrest_constant,
            self.max_jail_term,
            self.jail_draw,
        )
        _check_switches(
            self.rounding, self.activation, self.jail_mode, self.jail_draw, self.conflict_rounds
        )
        _flags(movement=self.movement, cop_takes_arrest_site=self.cop_takes_arrest_site)

    @property
    def cells(self) -> int:
        """Number of lattice cells."""
        return self.width * self.height

    @classmethod
    def netlogo(cls, **overrides: Any) -> ModelIConfig:
        """NetLogo Rebellion's defaults (Epstein's runs): floor rounding, jailed agents removed."""
        return _with(cls(), overrides)

    @classmethod
    def mesa(cls, **overrides: Any) -> ModelIConfig:
        """The configuration of Mesa 3.3.1's ``EpsteinCivilViolence`` example.

        40 x 40 torus, 70 % citizens, 7.4 % cops, von Neumann vision 7 for both, legitimacy 0.8,
        threshold 0.1, k = 2.3, jail terms up to 1000 drawn inclusively, nearest rounding, and
        jailed citizens that keep their cell. Activation stays a switch (Mesa's is sequential).
        """
        base = cls(
            citizen_density=0.70,
            cop_density=0.074,
            citizen_vision=Vision("von_neumann", 7.0),
            cop_vision=Vision("von_neumann", 7.0),
            legitimacy=0.8,
            threshold=0.1,
            arrest_constant=2.3,
            max_jail_term=1000,
            rounding="nearest",
            jail_mode="occupy",
            jail_draw="inclusive",
            cop_takes_arrest_site=False,
        )
        return _with(base, overrides)


@dataclass(frozen=True)
class PeacekeeperConfig:
    """What the third-party force (Epstein's Model II "cops") does.

    ``behaviour``
        ``"reactive"``: wander at random (Epstein's rule M) and arrest a random agent who has just
        used violence within vision, after the fact (Epstein's cops). ``"patrol"``: steer towards
        where agents are active within ``sensing_radius`` and arrest an active agent within vision
        *before* it strikes. ``"interpose"``: steer towards the contested frontier, the cells
        where both groups are present within ``sensing_radius``, and shield the cells next to
        them: nobody can be killed in a cell adjacent to an interposing peacekeeper; arrests
        happen after the fact, as for reactive ones.
    ``salience``
        Target salience in [0, 1]: 0 is an impartial force. A salient force is itself a target
        and a grievance: within sight of a peacekeeper an agent's perceived legitimacy of the other
        group falls to ``L (1 - salience)``, and an active agent that sees a peacekeeper attacks
        it instead of a civilian with probability ``salience``; each attack kills the peacekeeper
        with probability ``casualty_probability``.
    ``replace_casualties``
        Whether force generation replaces killed peacekeepers at the start of the next step
        (Ascape keeps a target cop density in the same way).
    """

    behaviour: BehaviourName = "reactive"
    salience: float = 0.0
    casualty_probability: float = 0.1
    replace_casualties: bool = True
    sensing_radius: float = 5.0

    def __post_init__(self) -> None:
        _choice("behaviour", self.behaviour, BEHAVIOURS)
        _unit("salience", self.salience)
        _unit("casualty_probability", self.casualty_probability)
        _flags(replace_casualties=self.replace_casualties)
        _number("sensing_radius", self.sensing_radius)
        if not (math.isfinite(self.sensing_radius) and 1.0 <= self.sensing_radius <= 64.0):
            raise ParameterError(
                f"sensing_radius = {self.sensing_radius!r} is outside [1, 64] cells; "
                "give the distance at which peacekeepers notice activity"
            )


@dataclass(frozen=True)
class ModelIIConfig:
    """Epstein's Model II: inter-group violence between two groups, with peacekeepers.

    Blues and greens share the lattice. Legitimacy ``L`` is here the legitimacy each group grants
    the other's right to exist; grievance is ``G = H (1 - L)``. A free agent that sees a member of
    the other group turns active when ``G - R P > T`` (``P`` as in Model I, with peacekeepers as
    the cops) and then kills a random member of the other group in its vision. Peacekeepers
    arrest active agents. Agents age, die after ``death_age`` steps and reproduce: each step a
    free agent produces, with probability ``fission_probability``, a child of its own group in a
    random empty adjacent cell.

    Defaults follow the Model II runs of the Brookings Ascape code that accompanies Epstein
    (2002): 40 x 40, 70 % agents, vision 1.7 (the 8 adjacent cells) for everyone, jail terms up
    to 15, fission probability 0.05, death age 200, legitimacy 0.8 (0.9 gives peaceful
    coexistence), floor rounding (Java integer division).
    """

    width: int = 40
    height: int = 40
    citizen_density: float = 0.70
    blue_share: float = 0.5
    peacekeeper_density: float = 0.0
    citizen_vision: Vision = field(default_factory=lambda: Vision("euclidean", 1.7))
    peacekeeper_vision: Vision = field(default_factory=lambda: Vision("euclidean", 1.7))
    legitimacy: float = 0.8
    threshold: float = 0.1
    arrest_constant: float = 2.3
    max_jail_term: int = 15
    fission_probability: float = 0.05
    death_age: int = 200
    offspring_traits: OffspringTraits = "inherited"
    killer_takes_site: bool = False
    peacekeepers: PeacekeeperConfig = field(default_factory=PeacekeeperConfig)
    rounding: Rounding = "floor"
    activation: Activation = "synchronous"
    jail_mode: JailMode = "removed"
    jail_draw: JailDraw = "inclusive"
    conflict_rounds: int = 2

    def __post_init__(self) -> None:
        sensing = Vision("euclidean", self.peacekeepers.sensing_radius)
        _check_lattice(
            self.width, self.height, self.citizen_vision, self.peacekeeper_vision, sensing
        )
        _unit("citizen_density", self.citizen_density, open_low=True)
        _unit("blue_share", self.blue_share, open_low=True, open_high=True)
        _unit("peacekeeper_density", self.peacekeeper_density)
        if self.citizen_density + self.peacekeeper_density > 1.0:
            raise ParameterError(
                f"citizen_density + peacekeeper_density = "
                f"{self.citizen_density + self.peacekeeper_density:g} exceeds 1 (one agent per "
                "cell); lower one of them"
            )
        _check_rebellion(
            self.legitimacy,
            self.threshold,
            self.arrest_constant,
            self.max_jail_term,
            self.jail_draw,
        )
        _unit("fission_probability", self.fission_probability)
        if not (isinstance(self.death_age, int) and 1 <= self.death_age <= 10**6):
            raise ParameterError(f"death_age = {self.death_age!r} must be an integer in [1, 1e6]")
        _choice("offspring_traits", self.offspring_traits, OFFSPRING_TRAITS)
        _check_switches(
            self.rounding, self.activation, self.jail_mode, self.jail_draw, self.conflict_rounds
        )
        _flags(killer_takes_site=self.killer_takes_site)
        if self.jail_mode != "removed":
            raise ParameterError(
                f"jail_mode = {self.jail_mode!r} is not available in Model II, where the arrested "
                "leave the lattice (Epstein 2002); use jail_mode 'removed'"
            )

    @property
    def cells(self) -> int:
        """Number of lattice cells."""
        return self.width * self.height

    @property
    def peacekeeper_count(self) -> int:
        """Number of peacekeepers placed at the start (and kept, if casualties are replaced)."""
        return round(self.peacekeeper_density * self.cells)

    def with_peacekeepers(self, density: float, behaviour: str | None = None) -> ModelIIConfig:
        """A copy with another peacekeeper density (and optionally behaviour)."""
        keepers = self.peacekeepers
        if behaviour is not None:
            keepers = replace(keepers, behaviour=behaviour)  # type: ignore[arg-type]
        return replace(self, peacekeeper_density=float(density), peacekeepers=keepers)


def _with(config: Any, overrides: dict[str, Any]) -> Any:
    """``dataclasses.replace`` with a did-you-mean for unknown field names."""
    names = [f.name for f in fields(config)]
    for key in overrides:
        if key not in names:
            raise ParameterError(unknown_name("setting", key, names) + "; remove or rename it")
    return replace(config, **overrides)


def with_settings(config: Any, **overrides: Any) -> Any:
    """A copy of any config dataclass above with some settings changed, validated again."""
    return _with(config, overrides)
