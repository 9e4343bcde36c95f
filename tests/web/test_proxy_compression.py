"""deploy/haproxy.cfg in front of the app: the static files' brotli and gzip copies (WhiteNoise) pass
through with their year of caching; the service worker, which the app sends uncompressed, is gzipped by
the proxy; pages are never compressed (they hold tokens, BREACH). Needs Debian's haproxy (make test-hosts
installs it)."""

import re
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from bench import stack

pytestmark = pytest.mark.hosts

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg"


@pytest.fixture
def proxy(app, db, tmp_path):
    binary = stack.haproxy_binary()
    if binary is None:
        pytest.skip("haproxy is not installed (make test-hosts installs it)")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = stack.free_ports(1)[0]
    config = DEPLOY.read_text().replace("bind :80", f"bind 127.0.0.1:{port}").replace(
        "maxconn 20000", "maxconn 200")  # within the file descriptors a test process may open
    config = re.sub(r"server host1 [\d.]+:\d+", f"server host1 127.0.0.1:{server.server_port}", config)
    config = re.sub(r"\n\s*server host2 .*", "", config)
    (tmp_path / "haproxy.cfg").write_text(config)
    with open(tmp_path / "haproxy.log", "w") as log:
        haproxy = subprocess.Popen([binary, "-f", str(tmp_path / "haproxy.cfg"), "-db"], stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        stack.wait_until(lambda: stack.healthy(url), "haproxy", 20)
        yield url
    finally:
        haproxy.terminate()
        haproxy.wait(10)
        server.shutdown()
        thread.join(10)


def get(url, encoding):
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our local http URL
        return response.headers, response.read()


# Werkzeug's test server leaves the file of a connection the proxy closed early to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_proxy_passes_static_files_compressed_and_gzips_the_service_worker(proxy):
    page_headers, html = get(proxy + "/login", "gzip, br")
    assert page_headers.get("Content-Encoding") is None and b"<html" in html
    script = re.search(rb'<script src="(/static/dist/app-[0-9a-f]{12}\.js)"', html).group(1).decode()
    headers, _ = get(proxy + script, "gzip, deflate, br")
    assert headers["Content-Encoding"] == "br"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    headers, _ = get(proxy + script, "gzip")
    assert headers["Content-Encoding"] == "gzip"
    headers, _ = get(proxy + "/sw.js", "gzip, br")
    assert headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "no-cache"
