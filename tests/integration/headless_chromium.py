"""Drive a headless Chromium over the DevTools protocol on a pipe (no network port, no extra package).

Chromium started with --remote-debugging-pipe reads JSON commands (NUL-terminated) on fd 3 and writes
answers and events on fd 4. This module speaks just enough of it to load a page, evaluate JavaScript
and take screenshots.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


class Chromium:
    """`with Chromium(binary, profile_dir, url) as browser:` a browser showing `url`, driven by CDP."""

    def __init__(self, binary: str, user_data_dir: Path, url: str, width: int = 1400, height: int = 1000):
        self.binary, self.user_data_dir, self.url = binary, Path(user_data_dir), url
        self.size = (width, height)
        self.next_id = 0
        self.buffer = b""
        self.events: list[dict] = []
        self.session: str | None = None

    def __enter__(self) -> Chromium:
        self.user_data_dir.mkdir(parents=True, exist_ok=True)
        low_r, self.to_browser = os.pipe()
        self.from_browser, low_w = os.pipe()
        # Numbers >= 10 for the child's ends, so moving them onto 3 and 4 never overwrites one of them.
        to_browser_r, from_browser_w = fcntl.fcntl(low_r, fcntl.F_DUPFD, 10), fcntl.fcntl(low_w, fcntl.F_DUPFD, 10)
        os.close(low_r)
        os.close(low_w)
        self.stderr_path = self.user_data_dir.parent / f"{self.user_data_dir.name}-stderr.log"
        self.stderr = open(self.stderr_path, "wb")
        # The browser wants the pipe ends on fds 3 and 4: bash moves them there, then execs it.
        self.process = subprocess.Popen(
            [
                "/bin/bash", "-c", 'r=$1; w=$2; shift 2; eval "exec 3<&$r 4>&$w $r<&- $w>&-"; exec "$@"', "sh",
                str(to_browser_r), str(from_browser_w),
                self.binary, *FLAGS, f"--user-data-dir={self.user_data_dir}", "--remote-debugging-pipe",
                f"--window-size={self.size[0]},{self.size[1]}", self.url,
            ],
            pass_fds=(to_browser_r, from_browser_w), stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr,
        )
        for fd in (to_browser_r, from_browser_w):
            os.close(fd)
        try:
            self._attach()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self.stderr.close()

    # -- protocol ------------------------------------------------------------------------------
    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self.from_browser], [], [], remaining)
            if ready:
                chunk = os.read(self.from_browser, 1 << 20)
                if not chunk:
                    log = self.stderr_path.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"Chromium closed the pipe: {log}")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: bool = True, timeout: float = 30) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def _attach(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pages = [t for t in self.send("Target.getTargets", session=False)["targetInfos"] if t["type"] == "page"]
            if pages:
                self.session = self.send(
                    "Target.attachToTarget", {"targetId": pages[0]["targetId"], "flatten": True}, session=False
                )["sessionId"]
                self.send("Runtime.enable")
                return
            time.sleep(0.2)
        raise TimeoutError("Chromium opened no page")

    # -- what tests use ------------------------------------------------------------------------
    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> object:
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:
                value = None
            if value:
                return value
            time.sleep(0.2)
        raise TimeoutError(f"never true: {expression}")

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)
