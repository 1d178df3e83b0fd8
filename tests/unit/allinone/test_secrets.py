"""The all-in-one's passwords (tools/aio/base.py): kept off command lines (which its logs
and /proc show to anyone) and in directories only root can read."""

import pathlib
import stat
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "tools"))
from aio import base  # tools/ is not a package


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "STATE", tmp_path)
    for name in ("ETC", "LOGS", "RUN", "DATA"):
        monkeypatch.setattr(base, name, tmp_path / name.lower())
    return tmp_path


def test_a_setup_command_gets_its_secret_on_stdin_and_the_log_never_shows_it(state):
    log = state / "setup.log"
    password = "-starts-with-a-dash"  # token_urlsafe makes such ones: no option parser sees it
    base.logged(["sh", "-c", 'read -r pw; [ "$pw" = "$EXPECTED" ] && echo matched'], log,
                env={"EXPECTED": password}, stdin=password)
    text = log.read_text()
    assert "matched" in text
    assert password not in text


def test_a_failing_setup_command_names_itself_and_shows_its_log(state):
    with pytest.raises(base.AioError, match=r"(?s)^sh -c .* failed \(3\)\n.*went wrong$"):
        base.logged(["sh", "-c", "echo went wrong; exit 3"], state / "setup.log")


def test_configuration_data_logs_and_sockets_are_root_only(state):
    (state / "logs").mkdir(mode=0o755)
    base.make_private_dirs()
    for name in ("etc", "logs", "run", "data"):
        assert stat.S_IMODE((state / name).stat().st_mode) == 0o700


def test_a_secret_is_made_once_and_kept_unreadable_to_others(state):
    first = base.secret("admin")
    assert base.secret("admin") == first != base.secret("demo")
    assert stat.S_IMODE((state / "secrets.json").stat().st_mode) == 0o600
