"""Which engine a resource talks to: its own ``docker_endpoint`` or heat.conf's default.

A template may only name engines the operator lists (``allowed_endpoints``) and TLS files
under the operator's ``tls_dir``: otherwise Heat would connect wherever a tenant says and
read (and reveal the existence of) any file of the Heat host. Both are checked on the
template's text, before any file is opened.

Engines are kept per endpoint so a stack of many resources negotiates the API version
once, not once per resource and poll.
"""

import collections
import os
import posixpath
import threading

from oslo_config import cfg

from heat_docker_plugin import conf, policy
from heat_docker_plugin.errors import PropertyError
from openstack_docker.endpoint import normalise_url, parse_endpoint
from openstack_docker.engine import Engine
from openstack_docker.errors import InvalidSpec
from openstack_docker.labels import HEAT as OWNER

#: Endpoint property names of every DockerInc::Docker resource.
ENDPOINT_PROPERTIES = (DOCKER_ENDPOINT, TLS_CA_CERT, TLS_CLIENT_CERT, TLS_CLIENT_KEY,
                       TLS_VERIFY) = ("docker_endpoint", "tls_ca_cert", "tls_client_cert",
                                      "tls_client_key", "tls_verify")
TLS_FILES = (TLS_CA_CERT, TLS_CLIENT_CERT, TLS_CLIENT_KEY)

#: Engines kept open; the least recently used one beyond this is closed.
MAX_ENGINES = 16


def options():
    """heat.conf's ``[docker_plugin]`` group (registered on first use)."""
    if not hasattr(cfg.CONF, conf.docker_group.name):
        conf.register_opts(cfg.CONF)
    return cfg.CONF.docker_plugin


def _property_of(field):
    for key, prop in (("ca_cert", TLS_CA_CERT), ("client_cert", TLS_CLIENT_CERT),
                      ("client_key", TLS_CLIENT_KEY)):
        if key in field:
            return prop
    return DOCKER_ENDPOINT


def _normalised(url, field):
    try:
        return normalise_url(url, field)[0]
    except InvalidSpec as exc:
        raise PropertyError(DOCKER_ENDPOINT if field == DOCKER_ENDPOINT else
                            f"heat.conf [docker_plugin] {field}", exc.problem) from None


def _check_allowed(url, group):
    """Refuse an engine the operator did not list; True if it is the default one."""
    wanted = _normalised(url, DOCKER_ENDPOINT)
    default = _normalised(group.endpoint, "endpoint")
    if wanted == default:
        return True
    if wanted not in {_normalised(entry, "allowed_endpoints")
                      for entry in group.allowed_endpoints if entry.strip()}:
        raise PropertyError(DOCKER_ENDPOINT, f"engine {wanted} is not allowed by the "
                            "operator (the default endpoint and [docker_plugin] "
                            "allowed_endpoints only)")
    return False


def _check_tls_files(props, group):
    """Refuse TLS files outside the operator's tls_dir, without touching the file system
    for them (an answer would tell the tenant whether a path exists)."""
    for prop in TLS_FILES:
        path = props.get(prop)
        if not path:
            continue
        if not group.tls_dir:
            raise PropertyError(prop, "templates may not name TLS files (the operator "
                                "sets none: [docker_plugin] tls_dir)")
        top = posixpath.normpath(group.tls_dir)
        if not path.startswith("/") or ".." in path.split("/") or \
                not posixpath.normpath(path).startswith(top.rstrip("/") + "/") or \
                not os.path.realpath(path).startswith(os.path.realpath(top) + "/"):
            raise PropertyError(prop, f"TLS files must be under {top} "
                                "([docker_plugin] tls_dir)")


def _default_endpoint(group):
    """heat.conf's own endpoint; ``force_tls_verify`` overrides its ``tls_verify``."""
    return parse_endpoint(group.endpoint, ca_cert=group.ca_cert,
                          client_cert=group.client_cert, client_key=group.client_key,
                          verify=group.tls_verify or group.force_tls_verify,
                          api_version=group.api_version, timeout=group.api_timeout,
                          field="endpoint")


def endpoint(props):
    """The validated endpoint of a resource's properties (no connection is made)."""
    group = options()
    try:
        if props.get(DOCKER_ENDPOINT):
            is_default = _check_allowed(props[DOCKER_ENDPOINT], group)
            _check_tls_files(props, group)
            verify = policy.tls_verify(props.get(TLS_VERIFY), group)
            if is_default and not any(props.get(prop) for prop in TLS_FILES):
                return _default_endpoint(group)
            return parse_endpoint(props[DOCKER_ENDPOINT], ca_cert=props.get(TLS_CA_CERT),
                                  client_cert=props.get(TLS_CLIENT_CERT),
                                  client_key=props.get(TLS_CLIENT_KEY),
                                  verify=verify, api_version=group.api_version,
                                  timeout=group.api_timeout)
        _check_tls_files(props, group)
        policy.tls_verify(props.get(TLS_VERIFY), group)
        return _default_endpoint(group)
    except InvalidSpec as exc:
        where = _property_of(exc.field) if props.get(DOCKER_ENDPOINT) else \
            f"heat.conf [docker_plugin] {exc.field}"
        raise PropertyError(where, exc.problem + (f" ({exc.fix})" if exc.fix else "")) \
            from None


_engines = collections.OrderedDict()
_engines_lock = threading.Lock()


def engine_for(endpoint):
    """The shared Engine of an endpoint, owned by Heat.

    The least recently used Engine beyond MAX_ENGINES is closed; closing is safe even if
    a worker still holds it, since an Engine reconnects on its next call.
    """
    with _engines_lock:
        engine = _engines.pop(endpoint, None) or Engine(endpoint, owner=OWNER)
        _engines[endpoint] = engine
        evicted = []
        while len(_engines) > MAX_ENGINES:
            evicted.append(_engines.popitem(last=False)[1])
    for old in evicted:
        old.close()
    return engine
