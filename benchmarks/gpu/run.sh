#!/usr/bin/env bash
# On a lent GPU machine (Python 3.12, JAX with CUDA, nothing fetchable), from the repository root:
#   bash benchmarks/gpu/run.sh [run.py options]        # e.g. --budget-s 480 (the default)
# Before, here (with network): .venv/bin/python benchmarks/gpu/wheels.py, then carry benchmarks/gpu/wheels.
# The carried wheels go into a folder of their own (pip --target, --no-index: nothing is fetched) put
# before the machine's Python path, so its own JAX, NumPy and SciPy serve (whether that Python is the
# system's, a venv or conda); then run.py runs the paper profile on JAX into $OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-benchmarks/gpu/out}"
site="${GANTHEORY_GPU_SITE:-/tmp/gantheory-gpu-site}"
python="${PYTHON:-python3}"
"$python" -c 'import jax' || { echo "run.sh: $python has no JAX: this script uses the machine's own" >&2; exit 2; }
ls benchmarks/gpu/wheels/*.whl >/dev/null 2>&1 || {
  echo "run.sh: benchmarks/gpu/wheels/ is empty: run benchmarks/gpu/wheels.py where there is network, and carry it" >&2
  exit 2
}
if [ ! -f "$site/.installed" ]; then
  rm -rf "$site"
  "$python" -m pip install --quiet --no-index --no-deps --target "$site" benchmarks/gpu/wheels/*.whl
  touch "$site/.installed"
fi
mkdir -p "$out"
export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}" PATH="$site/bin:$(dirname "$(command -v "$python")"):$PATH"
"$python" -m pip list --format=freeze > "$out/packages.txt" 2>/dev/null || true
GANTHEORY_PROGRESS=0 "$python" benchmarks/gpu/run.py --out "$out" "$@"
