"""Finding the treebank: a given folder, the cache, or a verified download (served on loopback here)."""

import http.server
import io
import threading
import zipfile

import pytest

from rnn_core.text import data

FILES = {"train.txt": b"(3 (2 a) (3 good))\n", "dev.txt": b"(1 (2 a) (1 bad))\n", "test.txt": b"(2 ok)\n"}


def make_zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in files.items():
            zf.writestr(f"trees/{name}", content)
    return buf.getvalue()


@pytest.fixture
def fake_hashes(monkeypatch):
    monkeypatch.setattr(data, "SHA256", {n: data.sha256_of(c) for n, c in FILES.items()})


@pytest.fixture
def serve():
    """Serve bytes on a loopback port; returns a function giving the URL."""
    servers = []

    def start(payload: bytes, status: int = 200) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self.send_response(status)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/trainDevTestTrees_PTB.zip"

    yield start
    for s in servers:
        s.shutdown()


def test_download_verifies_and_caches(tmp_path, monkeypatch, fake_hashes, serve):
    monkeypatch.delenv(data.ENV_DATA, raising=False)
    monkeypatch.setenv(data.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.setenv(data.ENV_URL, serve(make_zip(FILES)))
    folder = data.find_data_dir()
    assert folder == tmp_path / "cache" / "sst"
    assert (folder / "train.txt").read_bytes() == FILES["train.txt"]
    monkeypatch.setenv(data.ENV_URL, "http://127.0.0.1:9/unreachable")
    assert data.find_data_dir() == folder  # second call uses the verified cache, no network


def test_tampered_archive_is_rejected(tmp_path, monkeypatch, fake_hashes, serve):
    monkeypatch.setenv(data.ENV_URL, serve(make_zip({**FILES, "dev.txt": b"(4 (2 tampered))\n"})))
    with pytest.raises(data.DataUnavailable, match="dev.txt .* does not match its published sha256"):
        data.download(dest=tmp_path / "d")
    assert not (tmp_path / "d").exists()


def test_not_a_zip_and_offline_say_how_to_point_at_a_folder(tmp_path, monkeypatch, fake_hashes, serve):
    with pytest.raises(data.DataUnavailable, match="not a zip archive.*RNN_LENS_DATA"):
        data.download(serve(b"<html>error page</html>"), dest=tmp_path / "d")
    with pytest.raises(data.DataUnavailable, match="could not download.*RNN_LENS_DATA"):
        data.download("http://127.0.0.1:9/nothing-listens-here", dest=tmp_path / "d", timeout=2)


def test_given_folder_wins_and_must_hold_the_splits(tmp_path, monkeypatch):
    for name, content in FILES.items():
        (tmp_path / name).write_bytes(content)
    assert data.find_data_dir(tmp_path) == tmp_path
    monkeypatch.setenv(data.ENV_DATA, str(tmp_path))
    assert data.find_data_dir() == tmp_path
    with pytest.raises(data.DataUnavailable, match="does not hold train.txt"):
        data.find_data_dir(tmp_path / "empty")


def test_no_folder_no_cache_no_download(tmp_path, monkeypatch):
    monkeypatch.delenv(data.ENV_DATA, raising=False)
    monkeypatch.setenv(data.ENV_CACHE, str(tmp_path))
    with pytest.raises(data.DataUnavailable, match="none cached"):
        data.find_data_dir(allow_download=False)
