"""Progress of a training job: one plain log line per evaluation, and a tqdm bar on a terminal.

The lines ("E4 8gaussians orig: step 30/60 (50%) | median fd 0.42 | elapsed 12.3 s | ETA 12.3 s") go
through the `gantheory.progress` logger to stderr, flushed, always; a Snakemake rule sends stderr to its
log file (`> {log} 2>&1`), so `tail -f logs/...` shows where a job is. They never reach a result file.
The tqdm bar is drawn only when stderr is a terminal (GANTHEORY_PROGRESS=0 turns it off, =1 forces it);
the Makefile sets 0. GANTHEORY_PROGRESS=0 does not silence the lines: silence the logger to do that.
"""

from __future__ import annotations

import logging
import math
import os
import statistics
import sys
import time

from tqdm.auto import tqdm

logger = logging.getLogger("gantheory.progress")


def progress_enabled() -> bool:
    """Whether to draw tqdm bars (not whether to log lines: those are always written)."""
    if os.environ.get("GANTHEORY_PROGRESS", "").strip() == "0":
        return False
    if os.environ.get("GANTHEORY_PROGRESS", "").strip() == "1":
        return True
    return sys.stderr.isatty()


def progress_bar(iterable=None, desc: str = "", **kwargs):
    return tqdm(iterable, desc=desc, disable=not progress_enabled(), file=sys.stderr, **kwargs)


class _StderrHandler(logging.Handler):
    """Writes to the current sys.stderr (redirected or captured as it may be), above any tqdm bar, flushed."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tqdm.write(self.format(record), file=sys.stderr)
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - logging must never stop a run
            self.handleError(record)


def _ensure_handler() -> None:
    """Give the `gantheory` logger one stderr handler at INFO (once), unless the caller configured it."""
    package = logging.getLogger("gantheory")
    if package.handlers:
        return
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    package.addHandler(handler)
    if package.level == logging.NOTSET:
        package.setLevel(logging.INFO)


def _seconds(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "?"
    if value < 120:
        return f"{value:.1f} s"
    hours, rest = divmod(int(round(value)), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d} min"


def _number(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def format_line(desc: str, step: int, total: int, elapsed: float, eta: float | None, metrics: dict) -> str:
    percent = 100.0 * step / total if total else 100.0
    parts = [f"{desc}: step {step}/{total} ({percent:.0f}%)"]
    parts += [f"{name} {_number(value)}" for name, value in metrics.items()]
    parts += [f"elapsed {_seconds(elapsed)}", f"ETA {_seconds(eta)}"]
    return " | ".join(parts)


def summary(rows, metric: str | None, **where) -> dict:
    """The headline of one evaluation's tidy rows ({"metric", "value", ...}): the median of `metric` over
    the rows matching `where` (every seed), and how many seeds (or runs) are marked diverged. An evaluation
    of another shape (not a list of such rows) has no headline."""
    out = {}
    if not isinstance(rows, (list, tuple)):
        return out
    rows = [r for r in rows if isinstance(r, dict)]
    if metric is not None:
        values = [
            float(r["value"])
            for r in rows
            if r.get("metric") == metric and all(r.get(k) == v for k, v in where.items())
        ]
        finite = [v for v in values if math.isfinite(v)]
        if finite:
            subset = f" ({', '.join(f'{k}={v}' for k, v in where.items())})" if where else ""
            out[f"median {metric}{subset}"] = statistics.median(finite)
    diverged = {r.get("seed", r.get("run")) for r in rows if r.get("metric") == "diverged"}
    if diverged:
        out["diverged"] = len(diverged)
    return out


class Progress:
    """A job's progress: `update(n)` advances the bar, `log(step, metrics)` writes one line.

    Elapsed and ETA count from this object's creation (a resumed run: from the resume, at its own rate)."""

    def __init__(self, total: int, desc: str, initial: int = 0):
        _ensure_handler()
        self.total, self.desc, self.initial = int(total), desc, int(initial)
        self.start = time.perf_counter()
        self.bar = progress_bar(total=total, desc=desc, initial=initial)

    def update(self, n: int) -> None:
        self.bar.update(n)

    def eta(self, step: int) -> float | None:
        done = step - self.initial
        if step >= self.total:
            return 0.0
        if done <= 0:
            return None
        return (time.perf_counter() - self.start) / done * (self.total - step)

    def log(self, step: int, metrics: dict | None = None) -> str:
        line = format_line(self.desc, step, self.total, time.perf_counter() - self.start, self.eta(step), metrics or {})
        logger.info(line)
        return line

    def close(self) -> None:
        self.bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
