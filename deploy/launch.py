"""Serve RNN Lens from K app processes behind nginx, each session kept on the process that holds it.

    python -m deploy.launch --processes 2 --port 8600        # then open http://127.0.0.1:8600/

Streamlit keeps a session (its widgets, its cached pages, the files of its download buttons) in the memory of one
process, so every request of a browser must reach the process that holds its session (Streamlit's guidance for
replicas: sticky sessions). nginx (Debian's package, no sticky module) does it with a cookie of its own: a new
visitor is sent to the least busy process, and every response sets `rnn_lens_server` to the process that answered;
later requests and the websocket go to that process. If it is down, nginx tries the others (passive health check:
one failure takes a process out for 10 s) and the cookie follows the one that answered, so a student whose process
died reconnects to another and stays there; the review is in the URL, so the page comes back as it was.
Websockets are upgraded and may stay open for a day. All processes share one cookie secret (Streamlit signs its
XSRF cookie with it). The launcher checks each process's /_stcore/health every few seconds and restarts one that
has stopped. Ctrl+C (or SIGTERM) stops nginx and the processes.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
COOKIE = "rnn_lens_server"


def app_command(port: int) -> list[str]:
    """One app process on 127.0.0.1:port (only nginx faces the network)."""
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]  # fmt: skip


def streamlit_static() -> Path:
    """The folder of Streamlit's frontend (index.html, static/js, ...): the same files every process serves."""
    import importlib.util

    return Path(importlib.util.find_spec("streamlit").origin).parent / "static"


def nginx_config(port: int, app_ports: list[int], run_dir: Path, listen: str = "127.0.0.1", static: Path | None = None) -> str:
    """The nginx configuration: one pool for new visitors, one per process (the others as its backups), and
    Streamlit's frontend files served by nginx itself (file names carry their hash: cached for a year)."""
    static = static or streamlit_static()
    names = [f"app{i + 1}" for i in range(len(app_ports))]
    server = "server 127.0.0.1:{} max_fails=1 fail_timeout=10s"
    pools = ["  upstream rnn_lens_any {\n    least_conn;\n" + "".join(f"    {server.format(p)};\n" for p in app_ports) + "  }"]
    for name, own in zip(names, app_ports):
        backups = "".join(f"    server 127.0.0.1:{p} backup;\n" for p in app_ports if p != own)
        pools.append(f"  upstream rnn_lens_{name} {{\n    {server.format(own)};\n{backups}  }}")
    by_cookie = "".join(f"    {name} rnn_lens_{name};\n" for name in names)
    by_address = "".join(f'    "~127\\.0\\.0\\.1:{p}$" {name};\n' for name, p in zip(names, app_ports))
    temp = "\n".join(
        f"  {kind}_temp_path {run_dir / 'tmp' / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    nl = "\n"
    return f"""# Written by deploy/launch.py: {len(app_ports)} RNN Lens processes behind one address.
user {getpass.getuser()};  # workers read Streamlit's files where pip put them (ignored unless run as root)
worker_processes 1;
pid {run_dir / "nginx.pid"};
error_log {run_dir / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
{temp}
  map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
  # Which pool a request goes to: the process its cookie names, or (a new visitor) the least busy one.
  map $cookie_{COOKIE} $rnn_lens_pool {{
{by_cookie}    default rnn_lens_any;
  }}
  # The process that answered (the last address tried), for the cookie.
  map $upstream_addr $rnn_lens_served_by {{
{by_address}    default "";
  }}
{nl.join(pools)}
  server {{
    listen {listen}:{port};
    location = /nginx-health {{ return 200 "ok\\n"; }}
    # The frontend's scripts: one app process compresses the 2 MB bundle for every first visit (about 0.2 s of CPU).
    location /static/ {{
      alias {static / "static"}/;
      types {{ application/javascript js mjs; text/css css; image/svg+xml svg; image/png png; font/woff2 woff2; font/woff woff;
              application/json json map; text/plain txt; }}  # module scripts need their type
      gzip on;
      gzip_types text/css application/javascript text/javascript application/json image/svg+xml;
      expires 1y;
    }}
    location / {{
      proxy_pass http://$rnn_lens_pool;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_connect_timeout 2s;
      proxy_read_timeout 1d;
      proxy_send_timeout 1d;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_max_temp_file_size 0;
      add_header Set-Cookie "{COOKIE}=$rnn_lens_served_by; Path=/; HttpOnly; SameSite=Lax" always;
      add_header X-RNN-Lens-Server $rnn_lens_served_by always;
    }}
  }}
}}
"""


def healthy(port: int, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout) as r:
            return r.read() == b"ok"
    except OSError:
        return False


@dataclass
class Deployment:
    """K app processes and nginx in front of them."""

    port: int
    app_ports: list[int]
    run_dir: Path
    cookie_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    apps: list[subprocess.Popen] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_app(self, i: int) -> subprocess.Popen:
        env = {**os.environ, "OMP_NUM_THREADS": "1", "STREAMLIT_SERVER_COOKIE_SECRET": self.cookie_secret}
        log = open(self.run_dir / f"app{i + 1}.log", "ab")  # noqa: SIM115 (the process keeps it)
        return subprocess.Popen(app_command(self.app_ports[i]), cwd=ROOT, env=env, stdout=log, stderr=log)

    def start(self, wait_s: float = 120.0) -> Deployment:
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / "tmp" / kind).mkdir(parents=True, exist_ok=True)
        self.apps = [self.start_app(i) for i in range(len(self.app_ports))]
        conf = self.run_dir / "nginx.conf"
        conf.write_text(nginx_config(self.port, self.app_ports, self.run_dir))
        cmd = [NGINX, "-p", str(self.run_dir), "-e", str(self.run_dir / "error.log"), "-c", str(conf), "-g", "daemon off;"]
        self.nginx = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + wait_s
        while not all(healthy(p) for p in self.app_ports):
            if time.time() > deadline or any(a.poll() is not None for a in self.apps) or self.nginx.poll() is not None:
                self.stop()
                raise RuntimeError(f"the deployment did not come up; logs in {self.run_dir}")
            time.sleep(0.5)
        return self

    def check(self) -> list[int]:
        """Restart every app process that has exited; returns their indexes."""
        dead = [i for i, a in enumerate(self.apps) if a.poll() is not None]
        for i in dead:
            self.apps[i] = self.start_app(i)
            self.restarts += 1
        return dead

    def stop(self) -> None:
        for proc in [self.nginx, *self.apps]:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in [self.nginx, *self.apps]:
            if proc is not None:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def deploy(processes: int, port: int, first_app_port: int | None = None, run_dir: Path | None = None) -> Deployment:
    """Start ``processes`` app processes (ports first_app_port..) and nginx on ``port``, once every process answers."""
    first = first_app_port or port + 1
    folder = run_dir or Path(tempfile.mkdtemp(prefix="rnn-lens-deploy-"))
    return Deployment(port, list(range(first, first + processes)), folder).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", "-k", type=int, default=2, help="app processes (about one per core)")
    parser.add_argument("--port", type=int, default=8600, help="nginx's port; the processes take the next ones")
    parser.add_argument(
        "--run-dir", type=Path, help="where the nginx configuration and the logs go (default: a temporary folder)"
    )
    parser.add_argument("--check-every", type=float, default=5.0, help="seconds between health checks of the processes")
    args = parser.parse_args()
    if not Path(NGINX).exists():
        sys.exit("nginx is not installed (Debian: apt-get install nginx)")
    dep = deploy(args.processes, args.port, run_dir=args.run_dir)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"RNN Lens on {dep.url}/ ({args.processes} processes on ports {dep.app_ports}; logs in {dep.run_dir})", flush=True)
    try:
        while dep.nginx.poll() is None:
            time.sleep(args.check_every)
            for i in dep.check():
                print(f"process {i + 1} (port {dep.app_ports[i]}) had stopped: restarted", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        dep.stop()


if __name__ == "__main__":
    main()
