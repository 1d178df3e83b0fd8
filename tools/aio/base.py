"""Paths, secrets, config files and the daemons of the all-in-one.

Process helpers (spawn, stop, wait, http checks) are the testbed's own (tools/testbed.py).
A daemon's pidfile holds its pid and its start time, so a reused pid is never taken for
ours, whatever the process renamed itself to (gunicorn, oslo.service setproctitle).
"""

from __future__ import annotations

import configparser
import contextlib
import datetime
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import testbed  # tools/testbed.py: the testbed's process helpers

AioError = testbed.TestbedError
run = testbed.run
http_ok = testbed.http_ok
log_tail = testbed.log_tail
pid_alive = testbed.pid_alive

STATE = Path(os.environ.get("AIO_STATE", "/var/lib/openstack-docker-aio"))
VENV = Path(sys.prefix)
BIN = VENV / "bin"
ETC = STATE / "etc"
LOGS = STATE / "logs"
RUN = STATE / "run"
DATA = STATE / "data"
DONE = STATE / "done"
HOST = "127.0.0.1"
KEYSTONE_URL = f"http://{HOST}:5000/v3"
DOCKER_URL = testbed.DOCKER_URL
TESTBED_VENV = testbed.STATE / "venv"
REGION = "RegionOne"
# The compute host's name: Nova's host, the driver's host label on its containers (the
# engine is shared: the machine's hostname is not ours alone) and OVN's chassis hostname
# (Neutron binds a port to the chassis of the port's host).
COMPUTE_HOST = "allinone"


_SECRETS_LOCK = threading.Lock()


def secret(name: str) -> str:
    """A password of the all-in-one, made once and kept in STATE/secrets.json (0600)."""
    path = STATE / "secrets.json"
    with _SECRETS_LOCK:
        values = json.loads(path.read_text()) if path.exists() else {}
        if name not in values:
            values[name] = secrets.token_urlsafe(18)
            path.parent.mkdir(parents=True, exist_ok=True)
            new = path.with_suffix(".new")
            new.touch(mode=0o600)
            new.write_text(json.dumps(values, indent=1))
            new.replace(path)
        return values[name]


def make_private_dirs() -> None:
    """The configuration files, data and logs hold the all-in-one's passwords (service
    users, database, RabbitMQ) and its sockets: root's alone, whatever the umask was."""
    for directory in (ETC, DATA, LOGS, RUN):
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)


def db_url(database: str) -> str:
    return f"mysql+pymysql://openstack:{secret('database')}@{HOST}:3306/{database}?charset=utf8"


def transport_url() -> str:
    return f"rabbit://openstack:{secret('rabbitmq')}@{HOST}:5672/"


def write_ini(path: Path, sections: dict[str, dict[str, object]]) -> Path:
    """Write an oslo.config file; options keep their case, lists are comma-joined."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    for section, options in sections.items():
        parser[section] = {key: ",".join(value) if isinstance(value, list) else str(value)
                           for key, value in options.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as out:
        out.write("# written by tools/allinone up: edits are overwritten\n")
        parser.write(out)
    return path


def keystone_auth(user: str, password: str, project: str = "service") -> dict[str, str]:
    """The keystoneauth password options of a service user (keystone_authtoken, [nova] ...)."""
    return {"auth_url": f"http://{HOST}:5000/", "auth_type": "password",
            "user_domain_name": "Default", "project_domain_name": "Default",
            "project_name": project, "username": user, "password": password,
            "region_name": REGION}


def authtoken(user: str) -> dict[str, str]:
    """[keystone_authtoken] of a service whose API checks tokens."""
    return {"www_authenticate_uri": f"http://{HOST}:5000/",
            **keystone_auth(user, secret(user))}


def once(name: str, step: Callable[[], None]) -> None:
    """Run a one-time step (database creation, bootstrap) unless it is recorded as done."""
    marker = DONE / name
    if marker.exists():
        return
    started = time.monotonic()
    step()
    DONE.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{time.time():.0f}\n")
    print(f"  {name}: done in {time.monotonic() - started:.1f} s", flush=True)


def logged(argv: list[str], log: Path, env: dict | None = None, stdin: str = "") -> None:
    """Run a setup command (db sync ...), its output in log; fail with the log's tail. It
    runs in a session of its own: a scheduling group of its own, like a daemon (set_nice).
    A secret goes in env or stdin, never in argv: argv is in the log and in /proc for any
    local user to read."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(argv)}\n".encode())
        out.flush()
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=out,
                                stderr=subprocess.STDOUT, env=os.environ | (env or {}),
                                start_new_session=True)
        if niceness():
            set_nice(proc.pid, niceness())
        proc.communicate(stdin.encode())
    if proc.returncode:
        raise AioError(f"{argv[0]} {' '.join(argv[1:3])} failed ({proc.returncode})"
                       + log_tail(log))


_PRIORITY = threading.local()


@contextlib.contextmanager
def background(nice: int = 10) -> Iterator[None]:
    """What this thread starts meanwhile (daemons, setup commands) runs at a lower CPU
    priority: `up` is CPU-bound, and what is off nova-compute's path yields to it."""
    _PRIORITY.nice = nice
    try:
        yield
    finally:
        _PRIORITY.nice = 0


def niceness() -> int:
    return getattr(_PRIORITY, "nice", 0)


def sql(database: str, query: str, *args: object) -> list[tuple] | None:
    """Rows of a query on our MariaDB, or None when it does not answer."""
    import pymysql
    try:
        connection = pymysql.connect(host=HOST, port=3306, user="openstack",
                                     password=secret("database"), database=database,
                                     connect_timeout=3)
    except pymysql.MySQLError:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(query, args or None)
            return list(cursor.fetchall())
    except pymysql.MySQLError:
        return None
    finally:
        connection.close()


def utc(timestamp: float) -> datetime.datetime:
    """A Unix time as the naive UTC datetime the services store in their tables."""
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).replace(tzinfo=None)


def port_open(port: int, host: str = HOST) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=2):
        return True
    return False


def unix_open(path: Path) -> bool:
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(2)
        sock.connect(str(path))
        return True
    return False


def http_answers(url: str) -> bool:
    """Whether anything HTTP answers at url (an API's version document may be 300 or 401)."""
    import requests
    try:
        return requests.get(url, timeout=5).status_code < 500
    except requests.RequestException:
        return False


def start_time(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


@dataclass
class Daemon(testbed.DaemonFiles):
    """A process of the all-in-one: how to start it, tell it answers, where it logs."""

    name: str
    argv: list[str]
    answers: Callable[[], bool]
    where: str = ""
    env: dict[str, str] = field(default_factory=dict)
    timeout: float = 120
    # gunicorn writes its own pidfile (master pid); others get theirs from us.
    own_pidfile: bool = False
    # Stopped by a command instead of SIGTERM (rabbitmq: its own node only).
    stop_argv: list[str] | None = None
    # Its configuration files: a change restarts it at the next `up`.
    configs: list[Path] = field(default_factory=list)
    # Files of its own (path: text), written when it starts; configuration too. Describing
    # a daemon (status, down) writes nothing.
    writes: dict[Path, str] = field(default_factory=dict)
    # Seconds between checks that it answers while `up` waits (a check costs CPU too).
    poll: float = 0.5

    logs_dir: ClassVar[Path] = LOGS
    run_dir: ClassVar[Path] = RUN

    @property
    def stampfile(self) -> Path:
        return RUN / f"{self.name}.started"

    def pid(self) -> int | None:
        """Our running process, or None (not started by us, or gone)."""
        try:
            pid = int(self.pidfile.read_text().split()[0])
            stamp = self.stampfile.read_text().split()
        except (OSError, ValueError, IndexError):
            return None
        if not pid_alive(pid):
            return None
        # gunicorn's pidfile names its master; our stamp names the process we spawned, which
        # gunicorn's master is (no daemonizing): both must agree on the start time.
        return pid if stamp[:2] == [str(pid), start_time(pid)] else None

    def started_at(self) -> float | None:
        """When we started it (the Unix time of its stamp), or None."""
        try:
            return self.stampfile.stat().st_mtime
        except OSError:
            return None

    def config_digest(self) -> str:
        digest = hashlib.sha256(" ".join(self.argv).encode())
        for path in self.configs:
            digest.update(path.read_bytes() if path.exists() else b"")
        for text in self.writes.values():
            digest.update(text.encode())
        return digest.hexdigest()[:16]

    def config_changed(self) -> bool:
        """Whether its command line or configuration changed since it started."""
        try:
            return self.stampfile.read_text().split()[2] != self.config_digest()
        except (OSError, IndexError):
            return True

    def start(self) -> subprocess.Popen:
        """Spawn it; in background() at a lower CPU priority (its children too) until
        normal_priority()."""
        for directory in (LOGS, RUN):
            directory.mkdir(parents=True, exist_ok=True)
        for path, text in self.writes.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        self.pidfile.unlink(missing_ok=True)
        with open(self.log, "ab") as out:
            out.write(f"\n=== {time.strftime('%F %T')} starting {' '.join(self.argv)}\n"
                      .encode())
        proc = testbed.spawn(self.argv, self.log, env=os.environ | self.env)
        if niceness():
            set_nice(proc.pid, niceness())
        if not self.own_pidfile:
            self.pidfile.write_text(f"{proc.pid}\n")
        self.stampfile.write_text(f"{proc.pid} {start_time(proc.pid)} {self.config_digest()}\n")
        return proc

    def normal_priority(self) -> None:
        """Back to the default CPU priority, with every process of its group."""
        pid = self.pid()
        if pid is not None:
            set_nice(pid, 0)

    def stop(self) -> bool:
        """Stop it and everything it started (gunicorn workers, rabbitmq's erlang): the
        daemon leads a session of its own (spawn), so its process group is all ours."""
        pid = self.pid()
        if pid is None:
            return False
        if self.stop_argv:
            subprocess.run(self.stop_argv, capture_output=True, env=os.environ | self.env,
                           timeout=60)
        stop_group(pid)
        self.pidfile.unlink(missing_ok=True)
        self.stampfile.unlink(missing_ok=True)
        return True


def set_nice(pid: int, nice: int) -> None:
    """The CPU priority of pid's process group. With autogroup scheduling (Debian's
    default) each session, i.e. each of our daemons, is a scheduling group of its own, so
    its group's nice value is the one that weighs against the other daemons."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(f"{nice}\n")
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PGRP, pid, nice)


def stop_group(pid: int, timeout: float = 20) -> None:
    """SIGTERM to the process group led by pid, SIGKILL to what is left after timeout."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while group_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def group_alive(pgid: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z" and fields[2] == str(pgid):
                return True
    return False


def gunicorn(name: str, app: str, port: int, argv: list[str] | None = None,
             env: dict[str, str] | None = None, workers: int = 1,
             python: Path = BIN / "python", timeout: float = 120,
             configs: list[Path] | None = None) -> Daemon:
    """An OpenStack WSGI app under gunicorn, on HOST:port.

    The apps parse sys.argv when they load: post_fork gives them `argv` (program name and
    config files) instead of gunicorn's. gunicorn's control socket is per user and machine
    (~/.gunicorn/gunicorn.ctl): off, or gunicorns would take it from each other.
    """
    conf = ETC / "gunicorn" / f"{name}.conf.py"
    log = LOGS / f"{name}.log"
    text = (
        "# written by tools/allinone up\n"
        f"bind = {f'{HOST}:{port}'!r}\nworkers = {workers}\ntimeout = 300\n"
        "graceful_timeout = 5\ncontrol_socket_disable = True\ncapture_output = True\n"
        f"errorlog = {str(log)!r}\naccesslog = {str(log)!r}\n"
        f"pidfile = {str(RUN / f'{name}.pid')!r}\n\n\n"
        "def post_fork(server, worker):\n"
        "    import sys\n"
        f"    sys.argv = {argv or [name]!r}\n")
    return Daemon(name, [str(python), "-m", "gunicorn", "--config", str(conf), app],
                  answers=lambda: http_answers(f"http://{HOST}:{port}/"),
                  where=f"http://{HOST}:{port}", env=env or {}, own_pidfile=True,
                  timeout=timeout, configs=configs or [], writes={conf: text})


def wait_all(started: list[tuple[Daemon, subprocess.Popen | None]]) -> None:
    """Wait until every daemon answers; fail on the first that dies or times out."""
    now = time.monotonic()
    deadline = {d.name: now + d.timeout for d, _ in started}
    next_check = {d.name: now for d, _ in started}
    pending = list(started)
    while pending:
        for item in list(pending):
            daemon, proc = item
            if time.monotonic() < next_check[daemon.name]:
                continue
            if daemon.answers():
                pending.remove(item)
                continue
            if proc is not None and proc.poll() is not None:
                raise AioError(f"{daemon.name} exited with code {proc.returncode}"
                               + log_tail(daemon.log))
            if time.monotonic() > deadline[daemon.name]:
                raise AioError(f"{daemon.name} did not answer at {daemon.where} within "
                               f"{daemon.timeout:.0f} s" + log_tail(daemon.log))
            next_check[daemon.name] = time.monotonic() + daemon.poll
        time.sleep(0.1)
