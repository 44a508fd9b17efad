"""Static checks of the scale-out files (fast, no tools needed): profiles, Dockerfile, .dockerignore."""

from __future__ import annotations

import re

import pytest
import yaml
from integration_support import ROOT, copy_workflow, venv_env

PROFILES = ROOT / "workflow" / "profiles"


def _entries_without_comment(path):
    """Lines holding a YAML entry (key or list item) but no comment saying what it does."""
    bad = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if "#" not in line:
            bad.append(f"{path.name}:{number}: {line}")
    return bad


@pytest.mark.parametrize("name,executor", [("slurm", "slurm"), ("kubernetes", "kubernetes")])
def test_profile_names_its_executor_and_comments_every_entry(name, executor):
    path = PROFILES / name / "config.yaml"
    profile = yaml.safe_load(path.read_text())
    assert profile["executor"] == executor
    assert _entries_without_comment(path) == []
    # The settings the default profile gives `snakemake --cores all` are kept.
    default = yaml.safe_load((PROFILES / "default" / "config.yaml").read_text())
    for key in ("printshellcmds", "show-failed-logs", "rerun-triggers"):
        assert profile[key] == default[key], key


def test_slurm_profile_asks_a_gpu_for_training():
    profile = yaml.safe_load((PROFILES / "slurm" / "config.yaml").read_text())
    train = profile["set-resources"]["e4_train"]
    assert train.get("gres", "").startswith("gpu") or "--gres=gpu" in train.get("slurm_extra", "")
    k8s = yaml.safe_load((PROFILES / "kubernetes" / "config.yaml").read_text())
    assert k8s["set-resources"]["e4_train"]["gpu"] >= 1


def test_slurm_profile_is_accepted_by_snakemake(tmp_path):
    """A dry run with the profile: Snakemake and the Slurm plugin accept every setting."""
    import subprocess
    import sys
    from pathlib import Path

    workdir = copy_workflow(tmp_path / "wf")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "snakemake"), "--profile", "workflow/profiles/slurm",
         "--configfile", "config/smoke.yaml", "--dry-run"],
        cwd=workdir, env=venv_env(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_dockerfile_has_the_promised_shape():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG BASE_IMAGE=\S*debian:bookworm-\d{8}-slim", text, re.M)  # pinned default
    assert re.search(r"^ARG VARIANT=cpu$", text, re.M)
    assert '"/tmp/requirements/${VARIANT}.lock"' in text  # cpu.lock or gpu.lock
    assert len(re.findall(r"^FROM ", text, re.M)) == 2  # builder + runtime
    assert re.search(r"^USER 1000:1000$", text, re.M)  # non-root
    assert 'ENTRYPOINT ["snakemake"]' in text and 'CMD ["--cores", "all"]' in text
    assert "WORKDIR /work" in text and "VOLUME" in text
    assert "PYTHONHASHSEED=0" in text
    for lock in ("cpu.lock", "gpu.lock"):
        assert (ROOT / "requirements" / lock).is_file()
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[ignore.index("*") :]  # an allowlist: everything excluded, then the needed paths


@pytest.mark.parametrize("lock", ["cpu.lock", "gpu.lock"])
def test_executor_plugins_are_pinned(lock):
    pins = dict(  # "name==version", hashed lines ("name==version ; marker \\") included
        re.match(r"([\w.-]+)==([^\s;\\]+)", line).groups()
        for line in (ROOT / "requirements" / lock).read_text().splitlines()
        if re.match(r"[\w.-]+==", line)
    )
    for plugin in ("snakemake-executor-plugin-slurm", "snakemake-executor-plugin-kubernetes"):
        assert plugin in pins, plugin
    assert pins["snakemake"] == "9.27.1"
