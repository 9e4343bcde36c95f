"""`make run` is quiet enough to read (issue 9): gunicorn.conf.py leaves static files and health checks out
of the access log unless ACCESS_LOG=all, and prints the demo banner once the server listens."""

import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def load(monkeypatch, **env):
    for name in ("ACCESS_LOG", "FIELDAPP_BANNER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def logged_paths(conf, paths, caplog, mode=None, status="200 OK"):
    cfg = Config()
    cfg.set("accesslog", conf["accesslog"])
    logger = conf["AccessLogger"](cfg)
    logger.access_log.propagate = True  # let caplog see the lines
    response = SimpleNamespace(status=status, sent=10, headers=[], response_length=10)
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        for path in paths:
            request = SimpleNamespace(path=path, query="", method="GET", uri=path, version=(1, 1), headers=[])
            environ = {"REMOTE_ADDR": "127.0.0.1", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1",
                       "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
                       **({"HTTP_SEC_FETCH_MODE": mode} if mode else {})}
            logger.access(response, request, environ, SimpleNamespace(seconds=0, microseconds=1000))
    return [path for path in paths if any(path in message for message in caplog.messages)]


PATHS = ["/login", "/static/css/app.css", "/healthz", "/sw.js", "/board"]


def test_static_files_and_health_checks_are_not_in_the_access_log_by_default(monkeypatch, caplog):
    conf = load(monkeypatch)
    assert conf["accesslog"] == "-"
    assert logged_paths(conf, PATHS, caplog) == ["/login", "/board"]


def test_one_line_per_page_view_and_none_for_the_stream_or_background_fetches(monkeypatch, caplog):
    """Defect 13 of issue 19: after the banner, a page view was 2-3 lines (/session/offline-pages, /events)."""
    conf = load(monkeypatch)
    background = ["/events", "/events/poll", "/session/offline-pages", "/my/calls", "/api/v1/sync"]
    assert logged_paths(conf, ["/my/calls", "/events"], caplog, mode="navigate") == ["/my/calls"]
    caplog.clear()
    assert logged_paths(conf, background, caplog, mode="cors") == []
    assert logged_paths(conf, ["/session/offline-pages"], caplog, mode="cors", status="500 INTERNAL SERVER ERROR") \
        == ["/session/offline-pages"]  # a failure is always shown


def test_access_log_all_and_off(monkeypatch, caplog):
    assert logged_paths(load(monkeypatch, ACCESS_LOG="all"), PATHS, caplog) == PATHS
    assert load(monkeypatch, ACCESS_LOG="off")["accesslog"] is None


def test_the_banner_is_printed_once_the_server_listens(monkeypatch, tmp_path, capsys):
    banner = tmp_path / "banner.txt"
    banner.write_text("Demo logins (password: x)\n  fieldapp is running at  http://127.0.0.1:8000")
    load(monkeypatch, FIELDAPP_BANNER=str(banner))["when_ready"](None)
    assert "fieldapp is running at  http://127.0.0.1:8000" in capsys.readouterr().out
    load(monkeypatch)["when_ready"](None)  # no banner asked for: nothing printed
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("target", ["run"])
def test_make_run_passes_the_port_and_the_banner(target):
    makefile = (CONF.parent / "Makefile").read_text()
    recipe = makefile[makefile.index(f"\n{target}: install"):].split("\n\n")[0]
    assert "--bind 127.0.0.1:$(PORT)" in recipe and "FIELDAPP_BANNER=instance/run-banner.txt" in recipe
    assert "http://127.0.0.1:$(PORT)" in recipe and "flask seed-demo" in recipe
    assert "PORT   ?= 8000" in makefile
