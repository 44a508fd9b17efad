"""What E2's steps read of config section `e2`, checked by name, and the readings of it they share.

A rule passes each step only the keys that step reads (`STEP_KEYS`; workflow/lib/paths.py passes the
same lists, and a test keeps the two equal), so an edit to the exact checks retrains nothing and an
edit to the MLP generator retrains only the MLP job. The schema checks the whole config when the
workflow starts; `check_settings` names a missing key when a step is called on its own.
"""

from __future__ import annotations

from gantheory.metrics.one_d import GaussianMixture1D

STEP_KEYS = {
    "exact": ["bandwidth_factor", "exact", "floor_repeats", "particles", "targets"],
    "train": ["bandwidth_factor", "eval_samples", "families", "floor_repeats", "generators", "init", "moment_orders",
              "particles", "seeds", "targets"],
    "outputs": ["families", "moment_orders", "targets"],
}  # fmt: skip
SECTION_KEYS = {"init": ["low", "high"], "exact": ["gauss_hermite", "dirac_max"]}
GENERATOR_KEYS = {
    "particles": ["lr", "lr_final", "beta_1", "beta_2"],
    "mlp": ["widths", "latent_dim", "lr", "lr_final", "beta_1", "beta_2"],
}
FAMILY_KEYS = {
    "polynomial": ["degrees", "inner"],
    "relu": ["features", "inner"],
    "mmd": [],
    "wgan_gp": ["widths", "gp_weight"],
}
CRITIC_KEYS = ["rule", "n_critic", "lr_d", "beta_1", "beta_2"]  # families whose discriminator trains


def _require(node: dict, keys: list[str], where: str, why: str = "") -> None:
    for key in keys:
        if key not in node:
            raise ValueError(f"config key '{where}{key}' is missing{why}")


def check_settings(settings: dict, step: str, generator: str | None = None) -> dict:
    """Name the first missing `e2.` key that `step` reads (for `train`: of its `generator` only)."""
    _require(settings, STEP_KEYS[step], "e2.")
    for section, keys in SECTION_KEYS.items():
        if section in STEP_KEYS[step]:
            _require(settings[section], keys, f"e2.{section}.")
    if generator is not None:
        if generator not in GENERATOR_KEYS:
            raise ValueError(f"generator must be one of {sorted(GENERATOR_KEYS)}, got {generator!r}")
        _require(settings["generators"], [generator], "e2.generators.")
        _require(settings["generators"][generator], GENERATOR_KEYS[generator], f"e2.generators.{generator}.")
    for name, family in settings.get("families", {}).items():
        kind = family.get("kind")
        if kind not in FAMILY_KEYS:
            raise ValueError(f"config key 'e2.families.{name}.kind' must be one of {sorted(FAMILY_KEYS)}, got {kind!r}")
        trains = kind == "wgan_gp" or family.get("inner") == "ascent"
        keys = ["steps", "evaluations", "batch_size", *FAMILY_KEYS[kind], *(CRITIC_KEYS if trains else [])]
        _require(family, keys, f"e2.families.{name}.", f" (a {kind} family needs it)")
        if kind == "polynomial" and max(family["degrees"]) > settings["moment_orders"]:
            raise ValueError(
                f"config key 'e2.moment_orders' is {settings['moment_orders']}; expected >= the largest degree "
                f"of e2.families.{name}.degrees ({max(family['degrees'])}), whose moments E2.2 reads"
            )
    return settings


def family_order(settings: dict, present=None) -> list[str]:
    """Families in reading order — exact polynomials (uniform, then quadrature start), trained-coefficient
    polynomials, ReLU span, MMD (judged, then shown only), WGAN-GP — then by name (a config section
    arrives as sorted JSON, so its own order is lost)."""
    rank = {("polynomial", "closed_form"): 0, ("polynomial", "ascent"): 1, ("relu", "closed_form"): 2,
            ("relu", "ascent"): 3, ("mmd", None): 4, ("wgan_gp", None): 5}  # fmt: skip
    names = [n for n in settings["families"] if present is None or n in present]

    def key(name):  # a quadrature start after its uniform-start sibling, a family shown-only after the judged
        f = settings["families"][name]
        return rank[(f["kind"], f.get("inner"))], f.get("start") == "quadrature", not f.get("judged", True), name

    return sorted(names, key=key)


def run_label(family: str, generator: str, variant: str, target: str, seed: int) -> str:
    """The key of a run's final points in a samples file (`e2-train` writes them, the figures read them)."""
    return f"{family}/{generator}/{variant}/{target}/{seed}"


def targets_of(settings: dict) -> dict[str, GaussianMixture1D]:
    """The config's targets (`e2.targets`) as mixtures, in config order."""
    return {name: GaussianMixture1D.from_spec(spec, f"e2.targets.{name}") for name, spec in settings["targets"].items()}


def bandwidth(target: GaussianMixture1D, settings: dict) -> float:
    """The Gaussian kernel's bandwidth for a target (training and the MMD metric): its population median
    pairwise distance (the median heuristic, without sampling) × `e2.bandwidth_factor`."""
    return settings["bandwidth_factor"] * target.median_pairwise_distance()


def degree_of(variant: str) -> int:
    """k of a polynomial run's variant label `k=<k>` (1 for the other families)."""
    return int(variant.split("=")[1]) if variant.startswith("k=") else 1
