"""The deploy launcher on loopback: K = 2 app processes behind nginx, each session kept on its process by a cookie.

Needs Debian's nginx (apt-get install nginx); .ci/run installs it.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import signal
import urllib.request
from pathlib import Path

import pytest

from bench.browser import free_port
from bench.protocol import VirtualStudent
from deploy.launch import COOKIE, NGINX, deploy, nginx_config, streamlit_static

pytestmark = pytest.mark.deploy

if not Path(NGINX).exists():
    reason = "needs Debian's nginx (apt-get install nginx)"
    if os.environ.get("CI"):
        raise RuntimeError(reason)  # CI installs it: its absence there is a failure, not a skip
    pytest.skip(reason, allow_module_level=True)


def served_by(url: str, cookie: str | None = None) -> tuple[str, str]:
    """Which process answered a GET through nginx, and the cookie nginx set."""
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return r.headers["X-RNN-Lens-Server"], r.headers["Set-Cookie"]


def test_the_configuration_names_every_process_with_the_others_as_backups(tmp_path):
    conf = nginx_config(8600, [8601, 8602, 8603], tmp_path)
    assert "upstream rnn_lens_any {\n    least_conn;" in conf
    for own, others in ((8601, (8602, 8603)), (8602, (8601, 8603))):
        block = conf.split(f"upstream rnn_lens_app{own - 8600} {{")[1].split("}")[0]
        assert f"server 127.0.0.1:{own} max_fails=1" in block and all(f"127.0.0.1:{p} backup" in block for p in others)
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "proxy_read_timeout 1d;" in conf


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory):
    dep = deploy(2, free_port(), first_app_port=free_port(), run_dir=tmp_path_factory.mktemp("deploy"))
    yield dep
    dep.stop()


def test_new_visitors_are_spread_and_a_cookie_keeps_its_process(two_processes):
    url = f"{two_processes.url}/word_by_word"
    first = [served_by(url) for _ in range(4)]
    assert {name for name, _ in first} == {"app1", "app2"}, first
    for name, cookie in first:
        assert cookie.startswith(f"{COOKIE}={name};"), cookie
    for name in ("app1", "app2"):
        assert {served_by(url, name)[0] for _ in range(6)} == {name}


def test_a_session_runs_over_the_websocket_on_the_process_its_cookie_names(two_processes):
    async def visit(name: str) -> tuple[str, str | None, str]:
        student = VirtualStudent(two_processes.url, timeout_s=120, cookies={COOKIE: name})
        try:
            out = await student.open("word_by_word", {"review": "a dull , lifeless film"})
            return student.headers.get("x-rnn-lens-server"), out.error, student.value("review")
        finally:
            await student.close()

    for name in ("app2", "app1"):
        assert asyncio.run(visit(name)) == (name, None, "a dull , lifeless film")


def test_when_a_process_stops_its_visitors_move_to_the_other_and_stay(two_processes):
    url, app1 = f"{two_processes.url}/word_by_word", two_processes.apps[0]
    app1.send_signal(signal.SIGTERM)
    app1.wait(30)
    name, cookie = served_by(url, "app1")
    assert name == "app2" and cookie.startswith(f"{COOKIE}=app2;")
    assert two_processes.check() == [0]  # the launcher's health check restarts it


def test_nginx_serves_the_frontend_files_itself_compressed(two_processes):
    bundle = next((streamlit_static() / "static" / "js").glob("index.*.js"))
    request = urllib.request.Request(f"{two_processes.url}/static/js/{bundle.name}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.headers["Content-Encoding"] == "gzip" and "X-RNN-Lens-Server" not in r.headers
        assert gzip.decompress(r.read()) == bundle.read_bytes()
