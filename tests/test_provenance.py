"""The run record (provenance.json): every field present and correct, with and without git."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys

import pytest

from gantheory import provenance

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A one-commit git repository in a temp folder (git discovery stops above it)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "code.py").write_text("x = 1\n")
    subprocess.run([*GIT, "init", "-q", str(folder)], check=True)
    subprocess.run([*GIT, "-C", str(folder), "add", "code.py"], check=True)
    subprocess.run([*GIT, "-C", str(folder), "commit", "-qm", "one"], check=True)
    return folder


def head(folder) -> str:
    done = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def record(tmp_path, repo=None, settings=None, **extra):
    path = tmp_path / "out" / "provenance.json"
    provenance.write_run_record(
        path,
        experiment="E0",
        settings={"steps": 10, "lr": 0.001, "widths": [4, 4]} if settings is None else settings,
        seed=7,
        seeds={"run": 123},
        threads=1,
        repo=repo,
        **extra,
    )
    return json.loads(path.read_text())


def test_the_record_names_the_commit_of_a_clean_checkout(repo, tmp_path):
    r = record(tmp_path, repo)
    assert r["git"] == {"commit": head(repo), "dirty": False, "reason": None}


def test_a_changed_tracked_file_makes_the_tree_dirty_an_untracked_one_does_not(repo, tmp_path):
    (repo / "results.csv").write_text("untracked\n")
    assert provenance.git_state(repo)["dirty"] is False
    (repo / "code.py").write_text("x = 2\n")
    state = provenance.git_state(repo)
    assert state["dirty"] is True and state["commit"] == head(repo)


def test_outside_a_checkout_commit_is_null_with_a_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    outside = tmp_path / "plain"
    outside.mkdir()
    r = record(tmp_path, outside)
    assert r["git"]["commit"] is None and r["git"]["dirty"] is None
    assert "not a git checkout" in r["git"]["reason"]


def test_without_git_installed_the_record_is_still_written(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    r = record(tmp_path, tmp_path)
    assert r["git"] == {"commit": None, "dirty": None, "reason": "git is not installed"}


def test_the_default_is_the_checkout_of_the_package_code():
    state = provenance.git_state()
    if state["commit"] is None:
        assert state["reason"]
    else:
        assert state["commit"] == head(provenance.CODE_DIR)


def test_settings_hash_is_the_sha256_of_canonical_json_and_follows_every_setting(tmp_path):
    settings = {"steps": 10, "lr": 0.001, "widths": [4, 4], "nested": {"b": 1, "a": 2}}
    r = record(tmp_path, tmp_path, settings)
    canonical = '{"lr":0.001,"nested":{"a":2,"b":1},"steps":10,"widths":[4,4]}'
    assert r["settings_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert r["settings"] == settings
    reordered = {"widths": (4, 4), "nested": {"a": 2, "b": 1}, "lr": 0.001, "steps": 10}
    assert provenance.settings_hash(reordered) == r["settings_sha256"]  # key order and tuples do not count
    for changed in ({**settings, "steps": 11}, {**settings, "nested": {"b": 1, "a": 3}}, {**settings, "lr": 0.0011}):
        assert provenance.settings_hash(changed) != r["settings_sha256"]


def test_every_installed_distribution_platform_threads_and_seeds(tmp_path):
    from importlib import metadata

    r = record(tmp_path, tmp_path, wall_clock_s=1.5, dataset="toy")
    packages = r["packages"]
    assert list(packages) == sorted(packages)
    for name in ("numpy", "pandas", "scikit-learn", "mlxtend", "keras", "pytest"):
        assert packages[name] == metadata.version(name)
    assert len(packages) == len({d.metadata["Name"] for d in metadata.distributions() if d.metadata["Name"]})
    assert r["platform"]["python"] == platform.python_version()
    assert r["platform"]["machine"] == platform.machine() and r["platform"]["system"] == platform.system()
    assert r["threads"] == 1 and r["thread_settings"]["requested"] == 1
    assert set(provenance.THREAD_ENV) <= set(r["thread_settings"]["env"])
    assert r["seed"] == 7 and r["seeds"]["root"] == 7 and r["seeds"]["run"] == 123
    assert r["experiment"] == "E0" and r["schema"] == provenance.SCHEMA and r["command"] == sys.argv
    assert r["wall_clock_s"] == 1.5 and r["dataset"] == "toy"  # a job's own fields stay at the top level


def test_a_job_field_may_not_overwrite_a_fixed_one(tmp_path):
    with pytest.raises(ValueError, match="given twice"):
        record(tmp_path, tmp_path, git="mine")
