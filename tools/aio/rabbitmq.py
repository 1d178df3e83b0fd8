"""RabbitMQ (Debian's rabbitmq-server) as a node of our own, aio@localhost on
127.0.0.1:5672, with its own mnesia, logs, cookie and config. Other nodes on this machine
(other tools run theirs) are never touched: every rabbitmqctl call names our node."""

from __future__ import annotations

from . import base

HOME = base.DATA / "rabbitmq"
NODE = "aio@localhost"
LIB = "/usr/lib/rabbitmq/bin"
ENV = {
    "HOME": str(HOME),  # .erlang.cookie: ours, not root's
    "RABBITMQ_NODENAME": NODE,
    "RABBITMQ_NODE_IP_ADDRESS": base.HOST,
    "RABBITMQ_NODE_PORT": "5672",
    "RABBITMQ_DIST_PORT": "25672",
    "RABBITMQ_MNESIA_BASE": str(HOME / "mnesia"),
    "RABBITMQ_LOG_BASE": str(base.LOGS / "rabbitmq"),
    "RABBITMQ_PID_FILE": str(base.RUN / "rabbitmq.own.pid"),
    "RABBITMQ_CONF_ENV_FILE": str(HOME / "rabbitmq-env.conf"),
    "RABBITMQ_CONFIG_FILE": str(HOME / "rabbitmq"),
    "RABBITMQ_ADVANCED_CONFIG_FILE": str(HOME / "advanced.config"),
    "RABBITMQ_ENABLED_PLUGINS_FILE": str(HOME / "enabled_plugins"),
    "RABBITMQ_LOGS": "-",  # into our log file
}


def ctl(*args: str) -> list[str]:
    return [f"{LIB}/rabbitmqctl", "-n", NODE, *args]


def daemons() -> list[base.Daemon]:
    return [base.Daemon("rabbitmq", [f"{LIB}/rabbitmq-server"], env=ENV,
                        answers=lambda: base.port_open(5672), where=f"{base.HOST}:5672",
                        stop_argv=ctl("stop"), timeout=90)]


def prepare_before_start() -> None:
    HOME.mkdir(parents=True, exist_ok=True)
    (base.LOGS / "rabbitmq").mkdir(parents=True, exist_ok=True)
    (HOME / "rabbitmq-env.conf").touch()
    (HOME / "enabled_plugins").write_text("[].\n")
    (HOME / "rabbitmq.conf").write_text("# written by tools/allinone up\n"
                                        "loopback_users.guest = true\n")


def add_user() -> None:
    password = base.secret("rabbitmq")
    log = base.LOGS / "rabbitmq.log"
    # Without a password argument, rabbitmqctl reads it from stdin.
    base.logged(ctl("add_user", "openstack"), log, ENV, stdin=password)
    base.logged(ctl("set_permissions", "openstack", ".*", ".*", ".*"), log, ENV)


def prepare() -> None:
    base.once("rabbitmq-user", add_user)
