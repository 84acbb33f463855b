"""A small Chrome DevTools Protocol client: starts headless Chromium and drives one page.

Only what the demo-page test needs: launch, call a method and wait for its answer, wait for an
event, evaluate JavaScript. Uses websocket-client (pinned in training/requirements.txt).
"""
from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str:
    """The Chromium executable: $CHROMIUM, else the first of the usual names on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError("Chromium not found: install it (apt-get install chromium; scripts/install-deps.sh test does) or set CHROMIUM")


class Browser:
    """Headless Chromium with one page, controlled over its DevTools websocket."""

    def __init__(self, width: int = 1200, height: int = 900, timeout: float = 30.0):
        self.profile = tempfile.mkdtemp(prefix="depthd-chromium-")
        args = [
            find_chromium(), "--headless=new", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
            f"--user-data-dir={self.profile}", "--no-first-run", "--no-default-browser-check",
            "--disable-gpu", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--metrics-recording-only",
            f"--window-size={width},{height}", "about:blank",
        ]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self._ids = itertools.count(1)
        self._events: list[dict] = []
        try:
            port = self._devtools_port(timeout)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as response:
                pages = [t for t in json.load(response) if t["type"] == "page"]
            self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=timeout,
                                                  suppress_origin=True)
        except Exception:
            self.close()
            raise
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        # A headless page is never the focused window; without this, focus() fires no focus event.
        self.call("Emulation.setFocusEmulationEnabled", enabled=True)

    def _devtools_port(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if match:
                return int(match.group(1))
        raise RuntimeError("Chromium did not start its DevTools endpoint:\n" + "".join(seen[-20:]))

    def call(self, method: str, timeout: float = 30.0, **params) -> dict:
        """Sends one command and returns its result; events that arrive meanwhile are kept."""
        ident = next(self._ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._receive(deadline)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)
        raise TimeoutError(f"no answer to {method} within {timeout}s")

    def wait_event(self, method: str, timeout: float = 30.0, predicate=lambda params: True) -> dict:
        """Returns the parameters of the first event named `method` that satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == method and predicate(event.get("params", {})):
                    del self._events[: i + 1]
                    return event.get("params", {})
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no {method} event within {timeout}s")
            message = self._receive(deadline)
            if "method" in message:
                self._events.append(message)

    def _receive(self, deadline: float) -> dict:
        self.ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            return json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            return {}

    def evaluate(self, expression: str, timeout: float = 30.0):
        """The value of a JavaScript expression (awaited if it is a promise)."""
        result = self.call("Runtime.evaluate", timeout=timeout, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript error in {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60.0, interval: float = 0.1):
        """Polls a JavaScript expression until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(interval)
        raise TimeoutError(f"{expression!r} stayed false for {timeout}s")

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
