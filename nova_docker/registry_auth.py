"""Logins for the registries that reference-only images are pulled from.

They come from the operator only: ``[docker] registry_credentials_file`` names a JSON file
mapping registry hosts to ``username``/``password`` (optionally ``email``,
``serveraddress``). Image properties are set by image owners (tenants) and never carry
credentials. The file is read at each pull, so a rotation needs no restart.
"""

import json

import nova.conf

from nova_docker import conf as docker_conf
from openstack_docker.errors import InvalidSpec

CONF = nova.conf.CONF
docker_conf.register_opts(CONF)
_FIELDS = ("username", "password", "email", "serveraddress")


def credentials(registry):
    """The engine ``auth_config`` for ``registry`` (``host[:port]``), or None."""
    path = CONF.docker.registry_credentials_file
    if not path:
        return None
    try:
        with open(path) as handle:
            logins = json.load(handle)
    except (OSError, ValueError) as exc:
        raise InvalidSpec("[docker] registry_credentials_file",
                          f"cannot read registry logins from {path!r}: {exc}",
                          "give a JSON object {registry: {username, password}}") from None
    login = logins.get(registry) if isinstance(logins, dict) else None
    if login is None:
        return None
    if not isinstance(login, dict) or not login.get("username") or \
            "password" not in login:
        raise InvalidSpec("[docker] registry_credentials_file",
                          f"the entry of {registry!r} has no username and password",
                          'use {"username": "...", "password": "..."}')
    return {key: str(login[key]) for key in _FIELDS if key in login}
