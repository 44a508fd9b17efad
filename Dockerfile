# gantheory: the whole pipeline (every experiment, figure, table, claims table, manifest) in one image.
#
#   podman build -t gantheory:cpu .                                  # or: docker build ...
#   podman build -t gantheory:gpu --build-arg VARIANT=gpu .          # tensorflow[and-cuda] (gpu.lock)
#   podman build -t gantheory:gpu-jax --build-arg VARIANT=gpu-jax .  # jax[cuda12] (gpu-jax.lock)
#   mkdir -p out/figures out/results out/logs
#   podman run --rm --network none \
#     -v "$PWD/out/figures:/work/figures:U" -v "$PWD/out/results:/work/results:U" \
#     -v "$PWD/out/logs:/work/logs:U" gantheory:cpu                  # = snakemake --cores all
#   podman run ... gantheory:cpu --cores all --configfile config/smoke.yaml   # any snakemake arguments
#   docker run --gpus all ... gantheory:gpu --cores all --configfile config/paper.yaml
#
# Working directory: /work holds the workflow (Snakefile, workflow/, config/) as in a clone of the
# repository. Outputs: /work/figures (what a reader looks at, with MANIFEST.sha256), /work/results
# (runs, provenance, timings) and /work/logs; mount a host directory on each (declared as volumes
# below). `:U` (podman) hands a root-owned host directory to the image's non-root user (uid 1000);
# with docker, create the directories as your user and add `--user "$(id -u):$(id -g)"` (any uid works).
# Nothing is downloaded at run time: every package and dataset is inside the image
# (`--network none` works). Build-time network: apt (Debian archive) and pip (PyPI) only.
# Behind a TLS-intercepting proxy, hand pip the proxy's CA bundle at build time with bind mounts,
# never in this file: podman build -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/build-ca.crt:ro
# -v ./pip.conf:/etc/pip.conf:ro (pip.conf: "[global]\ncert = /etc/ssl/certs/build-ca.crt").

# Base image: Debian bookworm slim (Python 3.11 comes from Debian). Pinned to a dated tag of the
# official image; append @sha256:<digest> to pin it by content. Any bookworm root filesystem works,
# e.g. one made by `debootstrap --variant=minbase bookworm` and `podman import` (what the tests do).
ARG BASE_IMAGE=docker.io/library/debian:bookworm-20251229-slim

# ---------------------------------------------------------------------------------------------
# Stage 1: build the virtual environment (pip, network) under /opt/venv.
FROM ${BASE_IMAGE} AS builder

# cpu: requirements/cpu.lock (tensorflow-cpu); gpu: requirements/gpu.lock (tensorflow[and-cuda]);
# gpu-jax: requirements/gpu-jax.lock (jax[cuda12], no TensorFlow: run with --config backend=jax).
ARG VARIANT=cpu
# Debian's python3.11 (bookworm main); bump when a Debian point release replaces it.
ARG PYTHON_DEB_VERSION=3.11.2-6+deb12u8
# The same pip as `make` uses; setuptools only builds the gantheory wheel (not in the image).
ARG PIP_VERSION=26.3
ARG SETUPTOOLS_VERSION=80.9.0

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       python3.11="${PYTHON_DEB_VERSION}" python3.11-venv="${PYTHON_DEB_VERSION}" \
    && rm -rf /var/lib/apt/lists/*

RUN case "${VARIANT}" in cpu|gpu|gpu-jax) ;; *) echo "VARIANT must be cpu, gpu or gpu-jax, got '${VARIANT}'" >&2; exit 1;; esac \
    && python3.11 -m venv /opt/venv \
    && python3.11 -m venv /tmp/wheel-builder

COPY requirements/ /tmp/requirements/
# Every lock is hashed and installed with hash checking.
RUN /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check "pip==${PIP_VERSION}" \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check \
       --require-hashes --requirement "/tmp/requirements/${VARIANT}.lock"

# The library itself, as a wheel built with a pinned setuptools (no build isolation, no download).
COPY pyproject.toml README.md /tmp/src/
COPY src/ /tmp/src/src/
RUN /tmp/wheel-builder/bin/pip install --no-cache-dir --disable-pip-version-check \
       "pip==${PIP_VERSION}" "setuptools==${SETUPTOOLS_VERSION}" \
    && /tmp/wheel-builder/bin/pip wheel --no-cache-dir --disable-pip-version-check --no-deps \
       --no-build-isolation --wheel-dir /tmp/wheels /tmp/src \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check --no-deps /tmp/wheels/gantheory-*.whl \
    && /opt/venv/bin/pip check

# ---------------------------------------------------------------------------------------------
# Stage 2: the runtime image: Debian's python3.11, the venv, the workflow; no compiler, no pip cache.
FROM ${BASE_IMAGE}

ARG VARIANT=cpu
ARG PYTHON_DEB_VERSION=3.11.2-6+deb12u8

LABEL org.opencontainers.image.title="gantheory (${VARIANT})" \
      org.opencontainers.image.description="Rebuild every figure, table and claim verdict of gantheory: snakemake --cores all" \
      org.opencontainers.image.licenses="MIT"

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3.11="${PYTHON_DEB_VERSION}" \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 --user-group --shell /bin/bash gantheory \
    && chmod 1777 /home/gantheory

COPY --from=builder /opt/venv /opt/venv

# The workflow, laid out as in a clone (Snakemake resolves config/ and workflow/ from here).
WORKDIR /work
COPY Snakefile environment.yml pyproject.toml ./
COPY config/ config/
COPY workflow/ workflow/
COPY requirements/ requirements/
# Writable by the image's user and by any other (docker --user "$(id -u):$(id -g)", OpenShift).
RUN mkdir -p figures results logs .snakemake \
    && chown gantheory:gantheory /work figures results logs .snakemake \
    && chmod 1777 /work figures results logs .snakemake

# PATH: the venv first. PYTHONHASHSEED and single-threaded BLAS/OpenMP/TensorFlow pools: the same
# settings every job pins itself (gantheory.seeding), so a `python` started by hand agrees too.
# TF_DETERMINISTIC_OPS/TF_CUDNN_DETERMINISTIC: deterministic kernels on GPU as well.
# PIP_NO_INDEX: nothing is ever fetched at run time. GANTHEORY_PROGRESS=0: no progress bars in logs.
ENV PATH=/opt/venv/bin:${PATH} \
    VIRTUAL_ENV=/opt/venv \
    HOME=/home/gantheory \
    LANG=C.UTF-8 \
    LC_ALL=C.UTF-8 \
    PYTHONHASHSEED=0 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OMP_NUM_THREADS=1 \
    OPENBLAS_NUM_THREADS=1 \
    MKL_NUM_THREADS=1 \
    TF_NUM_INTEROP_THREADS=1 \
    TF_NUM_INTRAOP_THREADS=1 \
    TF_DETERMINISTIC_OPS=1 \
    TF_CUDNN_DETERMINISTIC=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    MPLBACKEND=Agg \
    MPLCONFIGDIR=/tmp/matplotlib \
    PIP_NO_INDEX=1 \
    GANTHEORY_PROGRESS=0 \
    GANTHEORY_IMAGE_VARIANT=${VARIANT}

# Numeric, so Kubernetes (runAsNonRoot) and the host can resolve it: uid 1000 = gantheory.
USER 1000:1000
VOLUME ["/work/figures", "/work/results", "/work/logs"]

ENTRYPOINT ["snakemake"]
CMD ["--cores", "all"]
