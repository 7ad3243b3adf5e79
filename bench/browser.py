"""Start the app on a loopback port and drive it in Debian's Chromium through Playwright (benchmarks and browser tests)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Opening a page by its own URL logs these two 404s; they are harmless.
HARMLESS = ("/_stcore/health", "/_stcore/host-config", "Failed to load resource: the server responded with a status of 404")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, threads: int = 1, options: tuple[str, ...] = (), checkout: Path = ROOT) -> subprocess.Popen:
    """Start `streamlit run app.py` of ``checkout`` (with further ``options`` such as "--server.x", "value") and wait
    until its health endpoint answers ok."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *options]  # fmt: skip
    # stderr to a file, not a pipe: nothing reads a pipe during a long run, and a full one would block the server
    errors = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    proc.error_file = errors  # read by wait_until_healthy if the server exits
    return wait_until_healthy(proc, port)


def wait_until_healthy(proc: subprocess.Popen, port: int, seconds: float = 60.0) -> subprocess.Popen:
    """Wait until the server's health endpoint answers ok; stop it and raise if it exits or stays silent."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            err = _stderr_text(proc)[-2000:]
            raise RuntimeError(f"streamlit exited: {err}")
    stop_server(proc)
    raise RuntimeError(f"streamlit did not answer its health check within {seconds:.0f} s")


def _stderr_text(proc: subprocess.Popen) -> str:
    """What a server wrote to stderr, if it went to the file start_server gives it ("" otherwise)."""
    errors = getattr(proc, "error_file", None)
    if errors is None:
        return ""
    errors.seek(0)
    return errors.read().decode(errors="replace")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def is_harmless(message: str) -> bool:
    return any(h in message for h in HARMLESS)
