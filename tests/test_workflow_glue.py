"""The workflow's own files resolve against its folder (so `--directory` works), parsing imports no part of
the gantheory package, and parsing never deletes anything (it also runs for `-n` and `--lint`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, copy_workflow, snakemake

from workflow.lib.claim import claims_file, known_claims
from workflow.lib.config_check import ConfigError, validate
from workflow.lib.integrity import corrupted_datasets

GLUE = [ROOT / "Snakefile", *ROOT.glob("workflow/rules/*.smk"), *ROOT.glob("workflow/lib/*.py")]


@pytest.mark.parametrize("path", GLUE, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_glue_never_imports_the_package(path):
    imports = re.findall(r"^\s*(?:from|import)\s+gantheory\b.*$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert not imports, f"{path.name} imports the package while Snakemake parses: {imports}"


def test_a_run_in_another_directory_finds_the_workflows_files(tmp_path):
    workdir = copy_workflow(tmp_path / "clone")
    elsewhere = tmp_path / "elsewhere"
    plan = snakemake(
        workdir, "--dry-run", "--cores", "2", "--configfile", "config/smoke.yaml", "--directory", str(elsewhere)
    )
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert "e4_outputs" in plan.stdout and "manifest" in plan.stdout, plan.stdout[-2000:]


def _dataset(folder, payload: bytes, recorded: bytes):
    folder.mkdir(parents=True)
    (folder / "8gaussians.npz").write_bytes(payload)
    sha = __import__("hashlib").sha256(recorded).hexdigest()
    (folder / "8gaussians.npz.sha256.json").write_text(json.dumps({"sha256": sha}))
    return folder / "8gaussians.npz"


def test_the_checksum_check_reports_only_a_mismatch(tmp_path):
    intact = _dataset(tmp_path / "ok", b"same bytes", b"same bytes")
    bad = _dataset(tmp_path / "bad", b"flipped bytes", b"original bytes")
    assert corrupted_datasets(intact.parent) == []
    (message,) = corrupted_datasets(intact.parent, bad.parent)
    assert str(bad) in message and "did not match its SHA-256 record" in message and "--force" in message


def test_a_dry_run_warns_about_a_corrupted_dataset_and_deletes_nothing(tmp_path):
    workdir = copy_workflow(tmp_path)
    data = _dataset(workdir / "results/data", b"flipped bytes", b"original bytes")
    plan = snakemake(workdir, "--dry-run", "--cores", "1", "--configfile", "config/smoke.yaml")
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert "results/data/8gaussians.npz did not match its SHA-256 record" in plan.stdout + plan.stderr
    assert data.read_bytes() == b"flipped bytes" and data.with_name("8gaussians.npz.sha256.json").exists()


def test_a_relative_reference_file_resolves_against_the_workflow(tmp_path, repo_root):
    config = {"reference_file": "config/reference.yaml"}
    schema = tmp_path / "schema.yaml"
    schema.write_text("type: object\n")
    validate(config, schema, base=repo_root)
    with pytest.raises(ConfigError, match="reference_file"):
        validate(config, schema, base=tmp_path)


def test_make_claim_names_a_bad_id_and_maps_a_good_one():
    assert claims_file("E3.3") == "results/claims/E3.csv" and "E5.5" in known_claims()
    for bad in ("E9.1", "E3.99", "3.3", ""):
        with pytest.raises(SystemExit, match="is not a claim id; expected one of: E1.1"):
            claims_file(bad)
    done = subprocess.run(
        [sys.executable, "workflow/lib/claim.py", "E9.1"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0 and "E9.1" in done.stderr


def test_the_seed_table_marks_a_verdict_that_moves(tmp_path, monkeypatch):
    from workflow.lib import seeds

    committed = seeds._read(ROOT / "figures/claims.csv")
    monkeypatch.chdir(tmp_path)
    for seed, flip in ((1, False), (2, True)):
        folder = tmp_path / f"results-seed-{seed}/results/claims"
        folder.mkdir(parents=True)
        rows = [r for c, r in committed.items() if c.startswith("E3.")]
        if flip:
            rows[0] = {**rows[0], "verdict": "FAIL" if rows[0]["verdict"] == "PASS" else "PASS", "measured": "0.25 x"}
        with (folder / "E3.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = __import__("csv").DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    text = seeds.table([1, 2], ["E3"])
    lines = [line for line in text.splitlines() if line.startswith("| E3.")]
    assert len(lines) == len([c for c in committed if c.startswith("E3.")])
    assert lines[0].endswith("| NO |") and "(0.25)" in lines[0]
    assert all(line.endswith("| yes |") for line in lines[1:])
    with pytest.raises(SystemExit, match="results-seed-3"):
        seeds.table([3], ["E3"])
    assert seeds.key_number("W1 ≥ 0.785 vs 0.0267") == "0.785" and seeds.key_number("none") == "–"


OUTPUTS_COMMANDS = {"E1": "e1-outputs", "E2": "e2-outputs", "E3": "e3-figures", "E4": "e4-outputs", "E5": "e5-outputs"}


@pytest.mark.parametrize("experiment", sorted(OUTPUTS_COMMANDS))
def test_outputs_are_declared_once_and_the_command_takes_exactly_those(experiment):
    """workflow/lib/outputs.py names every output; the rule's outputs and flags come from it, and the CLI's
    output flags of that experiment's outputs command are the same, in the same order."""
    from gantheory.cli import COMMANDS
    from workflow.lib.outputs import OUTPUTS, output_flags, rule_outputs

    command = next(c for c in COMMANDS if c.name == OUTPUTS_COMMANDS[experiment])
    cli_outputs = [
        flag[2:] for flag, options in command.arguments.items() if options.get("help", "").startswith("output:")
    ]
    assert cli_outputs == [o.flag for o in OUTPUTS[experiment][1]]

    reported = []
    named = rule_outputs(experiment, lambda path, **kw: reported.append((path, kw)) or path)
    assert len(set(named.values())) == len(named)  # no file declared twice
    assert all(Path(ROOT, "workflow/rules", kw["caption"]).resolve().exists() for _, kw in reported)  # captions exist
    flags = output_flags(experiment, type("Output", (), named)).split()
    assert flags[0::2] == [f"--{o.flag}" for o in OUTPUTS[experiment][1]] and set(flags[1::2]) <= set(named.values())


def test_every_file_in_a_shell_command_is_quoted(repo_root):
    """Paths reach the shell quoted (`:q`, or shlex.quote in the flag helpers), so a working directory with a
    space in its name works; numbers and JSON settings (already `:q`) are the only bare values."""
    bare = []
    for path in sorted((repo_root / "workflow" / "rules").glob("*.smk")):
        for shell in re.findall(r"\n    shell:\n((?:        .*\n)+)", path.read_text(encoding="utf-8")):
            bare += [f"{path.name}: {m}" for m in re.findall(r"\{(?:input|output|log)(?:\.\w+)?\}", shell)]
            bare += [f"{path.name}: {m}" for m in re.findall(r"\{params\.checkpoints?\}", shell)]
    assert not bare, bare
