"""tqdm progress on stderr, silent when stderr is not a terminal or GANTHEORY_PROGRESS=0."""

from __future__ import annotations

import os
import sys

from tqdm.auto import tqdm


def progress_enabled() -> bool:
    if os.environ.get("GANTHEORY_PROGRESS", "").strip() == "0":
        return False
    if os.environ.get("GANTHEORY_PROGRESS", "").strip() == "1":
        return True
    return sys.stderr.isatty()


def progress_bar(iterable=None, desc: str = "", **kwargs):
    return tqdm(iterable, desc=desc, disable=not progress_enabled(), file=sys.stderr, **kwargs)
