"""The real `openstack` CLI (python-openstackclient and its plugins) run inside this
process: a new interpreter per command costs 10-20 s here (every plugin is imported), one
process pays that once. Same code path as the command line, the same output."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

STATE = Path(os.environ.get("AIO_STATE", "/var/lib/openstack-docker-aio"))
CLOUDS = STATE / "clouds.yaml"
DEMO, ADMIN = "allinone", "allinone-admin"


def forget_plugin_clients() -> None:
    """Plugin clients (heat, magnum...) are cached by osc_lib's ClientCache descriptors on
    the ClientManager CLASS, i.e. for the life of the process: the next command, maybe for
    another cloud, would reuse the first one's client, token and project."""
    from osc_lib import clientmanager

    for cls in clientmanager.ClientManager.__mro__:
        for value in vars(cls).values():
            if isinstance(value, clientmanager.ClientCache):
                value._handle = None


class CommandFailed(RuntimeError):
    """An `openstack` command exited non-zero; the message holds its error output."""


def openstack(*args: str, cloud: str = DEMO, parse: bool = True):
    """`openstack --os-cloud CLOUD ARGS` (with -f json when parse): parsed JSON or text."""
    from openstackclient import shell

    os.environ.setdefault("OS_CLIENT_CONFIG_FILE", str(CLOUDS))
    argv = ["--os-cloud", cloud, *args, *(["-f", "json"] if parse else [])]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = shell.OpenStackShell().run(argv)
        finally:
            forget_plugin_clients()
    if code:
        raise CommandFailed(f"openstack {' '.join(args)} failed ({code}): "
                            f"{err.getvalue()[-3000:]}")
    text = out.getvalue()
    return json.loads(text) if parse and text.strip() else text
