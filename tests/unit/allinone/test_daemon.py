"""An all-in-one daemon's own files (tools/aio/base.py): written when it starts, never when
it is only described (status, down), and part of its configuration."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tools"))
from aio import base  # tools/ is not a package


@pytest.fixture
def state(tmp_path, monkeypatch):
    for name in ("ETC", "LOGS", "RUN"):
        monkeypatch.setattr(base, name, tmp_path / name.lower())
    monkeypatch.setattr(base.Daemon, "logs_dir", tmp_path / "logs")
    monkeypatch.setattr(base.Daemon, "run_dir", tmp_path / "run")
    return tmp_path


def test_describing_a_gunicorn_service_writes_nothing(state):
    daemon = base.gunicorn("svc", "svc.wsgi:application", 8999, argv=["svc-api"])
    assert list(state.iterdir()) == []
    (conf, text), = daemon.writes.items()
    assert str(conf) in daemon.argv
    assert "bind = '127.0.0.1:8999'" in text and "sys.argv = ['svc-api']" in text


def test_a_change_of_its_own_files_changes_its_configuration(state):
    def digest(port):
        return base.gunicorn("svc", "svc.wsgi:application", port).config_digest()
    assert digest(8999) == digest(8999)
    assert digest(8999) != digest(8998)


def test_starting_writes_its_files_and_records_their_digest(state):
    conf = state / "etc" / "sleeper.conf"
    daemon = base.Daemon("sleeper", ["sleep", "30"], answers=lambda: True,
                         writes={conf: "wait = 30\n"})
    daemon.start()
    try:
        assert conf.read_text() == "wait = 30\n"
        assert daemon.pid() is not None
        assert not daemon.config_changed()
        daemon.writes[conf] = "wait = 60\n"
        assert daemon.config_changed()
    finally:
        assert daemon.stop()
    assert daemon.pid() is None
