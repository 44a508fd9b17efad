"""Config validation: every bad value is refused with a message naming its key."""

import copy

import pytest

from gantheory.config import ConfigError, load_yaml, merge
from workflow.lib.config_check import ConfigError as SchemaError
from workflow.lib.config_check import validate

SCHEMA = "workflow/schemas/config.schema.yaml"


@pytest.fixture
def good(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    return load_yaml("config/config.yaml")


def _variant(c):
    return c["e4"]["variants"]["orig"]


def _digits(c):
    return c["e4"]["datasets"]["digits"]


@pytest.mark.parametrize(
    "mutate, key, expectation",
    [
        (lambda c: c["e3"].update(steps="many"), "e3.steps", "integer"),
        (lambda c: c["e3"].update(steps=-5), "e3.steps", ">= 10"),
        (lambda c: c["e3"].update(initialisations=0), "e3.initialisations", ">= 8"),
        (lambda c: c["e3"].update(step_sizes=[0.1, -1.0]), "e3.step_sizes.1", "> 0"),
        (lambda c: c["e3"].update(step_sizes=[]), "e3.step_sizes", "items >= 1"),
        (lambda c: c["e3"].update(updates=["sideways"]), "e3.updates.0", "simultaneous"),
        (lambda c: c["e3"].update(main_step_size=0.5), "e3.main_step_size", "e3.step_sizes"),
        (lambda c: c["e3"].update(disc_steps=[1, 1]), "e3.disc_steps", "distinct"),
        (lambda c: c["e3"].update(typo_key=3), "e3.typo_key", "unknown"),
        (lambda c: c.update(profile="huge"), "profile", "smoke"),
        (lambda c: c.update(seed=1.5), "seed", "integer"),
        (lambda c: c.pop("threads"), "threads", "missing"),
        (lambda c: c.update(reference_file="config/nope.yaml"), "reference_file", "does not exist"),
        (lambda c: c["e4"].update(seeds=0), "e4.seeds", "an integer >= 1"),
        (lambda c: _variant(c).update(rule="sideways"), "e4.variants.orig.rule", "one of ['alternating'"),
        (lambda c: _variant(c).update(lr_d=-1), "e4.variants.orig.lr_d", "> 0"),
        (lambda c: _variant(c).update(lr_g=0), "e4.variants.orig.lr_g", "> 0"),
        (lambda c: _variant(c).update(n_critic=0), "e4.variants.orig.n_critic", ">= 1"),
        (lambda c: _digits(c).update(variants=["nope"]), "e4.datasets.digits.variants", "unknown variant 'nope'"),
        (lambda c: c["e5"]["datasets"]["fsr"].update(variants=["nope"]), "e5.datasets.fsr.variants", "e5.variants"),
        (
            lambda c: c["e5"]["datasets"]["fsr"]["dense_evaluations"].update(until=10**6),
            "e5.datasets.fsr.dense_evaluations.until",
            "at most e5.datasets.fsr.steps",
        ),
        (
            lambda c: c["e5"]["datasets"]["fsr"]["dense_evaluations"].update(every=0),
            "e5.datasets.fsr.dense_evaluations.every",
            ">= 1",
        ),
        (
            lambda c: c["e2"]["families"]["mmd"]["late"].update(every=10**4),
            "e2.families.mmd.late",
            "count x every <= e2.families.mmd.steps",
        ),
        (lambda c: c["e2"]["families"]["mmd"]["late"].update(every=101), "e2.families.mmd.late", "a multiple of 5"),
        (lambda c: c["e2"]["families"]["wgan_gp"].update(lr_g=1.0), "e2.families.wgan_gp.lr_g", "at most"),
        (lambda c: c["e2"]["families"]["wgan_gp"].pop("lr_g"), "e2.generators.particles.lr", "<= the critic's"),
        (
            lambda c: c["e2"]["families"]["polynomial_quadrature"].update(generators=["particles", "mlp"]),
            "e2.families.polynomial_quadrature.start",
            "generators [particles]",
        ),
        (lambda c: c["e2"]["families"]["mmd"].update(start="quadrature"), "e2.families.mmd.start", "'polynomial'"),
        (lambda c: c["e2"]["families"]["mmd"].update(bandwidths=[]), "e2.families.mmd.bandwidths", "items >= 1"),
        (lambda c: c["e1"]["power_curve"].update(rows=["tiny-n99"]), "e1.power_curve.rows", "e1.rows does not run"),
        (lambda c: c["e1"]["power_curve"].update(steps=[500, 250]), "e1.power_curve.steps", "increasing"),
        (lambda c: c["e1"]["discriminators"].update(sizes=[[64, 0]]), "e1.discriminators.sizes.0.1", ">= 1"),
        (lambda c: c["e1"]["discriminators"].update(sizes=[[64]]), "e1.discriminators.sizes.0", "items >= 2"),
        (lambda c: c["e4"]["datasets"].update(cifar={}), "e4.datasets.cifar", "expected one of: 25gaussians"),
        (lambda c: _digits(c).update(variants=[]), "e4.datasets.digits.variants", "non-empty"),
        (lambda c: _digits(c).update(batch_size="64"), "e4.datasets.digits.batch_size", "an integer"),
        (lambda c: _digits(c).update(kind="toy"), "e4.datasets.digits.kind", "expected 'image'"),
        (lambda c: _digits(c).update(widths=[64, 0]), "e4.datasets.digits.widths.1", ">= 1"),
        (lambda c: c["e4"]["saddle"].pop("rates"), "e4.saddle.rates", "missing"),
        (lambda c: c["e4"]["fd_checks"].update(samples=10**12), "e4.fd_checks.samples", "<="),
        (lambda c: c["e3"].update(ttur_ratios=[]), "e3.ttur_ratios", "non-empty"),
        (lambda c: c["e3"].update(disc_inits=["psychic"]), "e3.disc_inits.0", "one of"),
        (lambda c: c.pop("e4"), "e4", "missing"),
        (lambda c: c.update(threads=0), "threads", ">= 1"),
    ],
)
def test_bad_values_name_their_key(good, mutate, key, expectation):
    bad = copy.deepcopy(good)
    mutate(bad)
    with pytest.raises(SchemaError) as err:
        validate(bad, SCHEMA)
    message = str(err.value)
    assert f"'{key}'" in message and expectation in message, message


@pytest.mark.parametrize("name", ["config.yaml", "smoke.yaml", "paper.yaml"])
def test_shipped_profiles_are_valid(good, name):
    validate(merge(copy.deepcopy(good), load_yaml(f"config/{name}")), SCHEMA)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_yaml(tmp_path / "absent.yaml")
    (tmp_path / "bad.yaml").write_text("e3: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_yaml(tmp_path / "bad.yaml")


@pytest.mark.parametrize("command", ["e3-simulate", "e4-saddle"])
def test_commands_refuse_malformed_settings_with_a_clear_message(command, capsys, tmp_path):
    from gantheory.cli import main

    names = ("runs", "curves", "examples", "provenance")
    outputs = [arg for name in names for arg in (f"--{name}", str(tmp_path / name))]
    args = {
        "e3-simulate": ["--family", "optimal", "--seed", "1", *outputs],
        "e4-saddle": ["--seed", "1", "--out", str(tmp_path / "o.csv"), "--paths", str(tmp_path / "p.npz")],
    }
    assert main([command, "--settings", "{not json", *args[command]]) == 2
    assert "--settings is not valid JSON" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
