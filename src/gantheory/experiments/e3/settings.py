"""What E3's simulation reads of config section `e3`, as one frozen, typed value.

The schema checks the whole config when the workflow starts; `SimulationSettings.from_mapping` checks
again, by name, what a step called on its own receives (a missing or unknown key names `e3.<key>`), and
turns the JSON lists into tuples, so that nothing downstream can change a setting in place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass(frozen=True)
class SimulationSettings:
    initialisations: int  # (μ, μ*) pairs shared by every dynamic
    steps: int  # generator steps per run
    step_sizes: tuple[float, ...]  # the heatmap's generator step sizes
    main_step_size: float  # the step size E3.1–E3.4 are judged at (and the TTUR base step)
    disc_steps: tuple[int, ...]  # discriminator steps k per generator step
    updates: tuple[str, ...]  # first-order update orders
    disc_inits: tuple[str, ...]  # random intervals or the optimal set at the initial μ
    ttur_ratios: tuple[float, ...]  # discriminator/generator step-size ratios c
    init_range: float  # means from U[−w, w]²
    min_separation: float  # |m₁ − m₂| ≥ this at the start
    disc_init_range: float  # random interval endpoints from U[−w, w]
    records: int  # trajectory points kept for curves and figures
    example_trajectories: int  # runs per variant that keep their whole path

    @classmethod
    def from_mapping(cls, settings: dict) -> SimulationSettings:
        names = [f.name for f in fields(cls)]
        missing = [n for n in names if n not in settings]
        if missing:
            raise ValueError(f"config key 'e3.{missing[0]}' is missing (the e3 simulation reads it)")
        unknown = sorted(set(settings) - set(names))
        if unknown:
            raise ValueError(f"config key 'e3.{unknown[0]}' is unknown; expected one of {names}")
        return cls(**{n: tuple(v) if isinstance(v, list) else v for n, v in settings.items()})

    def as_record(self) -> dict:
        """The settings as the run record stores them (JSON: lists, not tuples)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
