"""Config validation: every bad value is refused with a message naming its key."""

import copy

import pytest

from gantheory.config import ConfigError, load_yaml, merge, validate

SCHEMA = "workflow/schemas/config.schema.yaml"


@pytest.fixture
def good(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)
    return load_yaml("config/config.yaml")


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
    ],
)
def test_bad_values_name_their_key(good, mutate, key, expectation):
    bad = copy.deepcopy(good)
    mutate(bad)
    with pytest.raises(ConfigError) as err:
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


@pytest.mark.parametrize("command", ["e3-claims", "e4-saddle"])
def test_commands_refuse_malformed_settings_with_a_clear_message(command, capsys, tmp_path):
    from gantheory.cli import main

    args = {"e3-claims": ["--optimal", "a", "--first-order", "b", "--ttur", "c", "--profile", "smoke", "--out", "o"],
            "e4-saddle": ["--seed", "1", "--out", str(tmp_path / "o.csv"), "--paths", str(tmp_path / "p.npz")]}
    assert main([command, "--settings", "{not json", *args[command]]) == 2
    assert "--settings is not valid JSON" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
