"""Re-resolve requirements/cpu.in (``make lock``): the universal hashed lock, one resolution per
supported platform and Python, and environment.yml generated from the lock.

- ``cpu.lock``: ``uv pip compile --universal --generate-hashes`` (the existing lock is uv's list of
  preferred versions, so a re-lock moves only what must move).
- ``resolved/cpu-<platform>-py<version>.txt``: a strict resolution of cpu.in *constrained by the lock*
  for that platform and Python, wheels only (bar the pure-Python packages that publish no wheel,
  SDIST_ONLY). It fails if a pin has no wheel there; tests/test_locks.py checks that each file is
  exactly what the lock's markers select for that target, so the lock is known to install on all six.
- ``environment.yml``: requirements/make_environment.py.
- The two GPU routes (NVIDIA, Linux x86_64; CUDA wheels pinned like everything else), each a hashed
  universal lock constrained by cpu.lock so that every package they share with it has its version:
  ``gpu.lock`` — TensorFlow with its CUDA wheels (``tensorflow[and-cuda]``), the default backend on a GPU;
  ``gpu-jax.lock`` — no TensorFlow, ``jax[cuda12]`` (``backend: jax``; what the GPU machines this project
  can borrow carry). Their inputs, ``gpu.in`` and ``gpu-jax.in``, are derived from cpu.in (``gpu_inputs``)
  and written beside it, so what each route asks for can be read.

Usage: python requirements/lock.py UV   (UV: the uv binary, e.g. .tools/uv/bin/uv)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_environment import lock_pins, write_environment  # noqa: E402

# (uv --python-platform, marker environment) for each supported platform; the same table the test uses.
PLATFORMS = {
    "linux-x86_64": "x86_64-manylinux_2_28",
    "linux-aarch64": "aarch64-manylinux_2_28",
    "macos-arm64": "aarch64-apple-darwin",
}
PYTHONS = ("3.11", "3.12")
# Pure-Python packages with no wheel on PyPI (an sdist only): built at install time on every platform.
SDIST_ONLY = ("connection-pool",)


GPU_HEADER = "# GENERATED from requirements/cpu.in by requirements/lock.py (make lock): do not edit. {why}\n"
GPU_ROUTES = {  # lock name -> (what changes from cpu.in, why)
    "gpu": ("TensorFlow's CPU wheel -> tensorflow[and-cuda]", "The TensorFlow GPU route."),
    "gpu-jax": ("no TensorFlow; jax -> jax[cuda12]", "The JAX GPU route (backend: jax); no TensorFlow."),
}


def gpu_inputs(cpu_in: str) -> dict[str, str]:
    """The GPU routes' inputs from cpu.in's text: each line it changes must be there, so a cpu.in edit
    that would silently leave a route on CPU wheels fails here instead."""
    lines = cpu_in.splitlines()
    tensorflow = [line for line in lines if line.startswith(("tensorflow-cpu==", "tensorflow=="))]
    jax = [line for line in lines if line.startswith("jax==")]
    if len(tensorflow) != 2 or len(jax) != 1:
        raise ValueError("requirements/cpu.in: expected two tensorflow lines and one jax line for the GPU routes")
    version = tensorflow[0].split("==", 1)[1].split(";", 1)[0].strip()
    rest = [line for line in lines if line not in tensorflow and not line.startswith("#")]
    routes = {
        "gpu": [f"tensorflow[and-cuda]=={version}", *rest],
        "gpu-jax": [line.replace("jax==", "jax[cuda12]==") for line in rest],
    }
    return {name: GPU_HEADER.format(why=GPU_ROUTES[name][1]) + "\n".join(body) + "\n" for name, body in routes.items()}


def run(uv: str, *args: str) -> None:
    print("+", "uv", " ".join(args), flush=True)
    subprocess.run([uv, *args], check=True, cwd=HERE.parent)


def main(uv: str) -> None:
    run(uv, "pip", "compile", "requirements/cpu.in", "--universal", "--python-version", "3.11",
        "--generate-hashes", "--custom-compile-command", "make lock", "--quiet", "-o", "requirements/cpu.lock")
    wheels_only = [name for name in lock_pins(HERE / "cpu.lock") if name not in SDIST_ONLY]
    binary = [arg for name in sorted(set(wheels_only)) for arg in ("--only-binary", name)]
    for platform, target in PLATFORMS.items():
        for python in PYTHONS:
            out = f"requirements/resolved/cpu-{platform}-py{python}.txt"
            run(uv, "pip", "compile", "requirements/cpu.in", "--constraint", "requirements/cpu.lock",
                "--python-platform", target, "--python-version", python, *binary, "--no-annotate",
                "--custom-compile-command", f"make lock (target {platform}, Python {python})", "--quiet", "-o", out)
    write_environment(HERE / "cpu.lock", HERE.parent / "environment.yml")
    for name, text in gpu_inputs((HERE / "cpu.in").read_text()).items():
        (HERE / f"{name}.in").write_text(text)
        run(uv, "pip", "compile", f"requirements/{name}.in", "--universal", "--python-version", "3.11",
            "--constraint", "requirements/cpu.lock", "--generate-hashes", "--custom-compile-command", "make lock",
            "--quiet", "-o", f"requirements/{name}.lock")


if __name__ == "__main__":
    main(sys.argv[1])
