"""Which engine a resource talks to: its own ``docker_endpoint`` or heat.conf's default.

Engines are cached per endpoint so a stack of many resources negotiates the API version
once, not once per resource and poll.
"""

import functools

from oslo_config import cfg

from heat_docker_plugin import conf
from heat_docker_plugin.translate import PropertyError
from openstack_docker.conf import endpoint_from_conf
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from openstack_docker.errors import InvalidSpec

OWNER = "heat"

#: Endpoint property names of every DockerInc::Docker resource.
ENDPOINT_PROPERTIES = (DOCKER_ENDPOINT, TLS_CA_CERT, TLS_CLIENT_CERT, TLS_CLIENT_KEY,
                       TLS_VERIFY) = ("docker_endpoint", "tls_ca_cert", "tls_client_cert",
                                      "tls_client_key", "tls_verify")


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


def endpoint(props):
    """The validated endpoint of a resource's properties (no connection is made)."""
    try:
        if props.get(DOCKER_ENDPOINT):
            verify = props.get(TLS_VERIFY)
            return parse_endpoint(props[DOCKER_ENDPOINT], ca_cert=props.get(TLS_CA_CERT),
                                  client_cert=props.get(TLS_CLIENT_CERT),
                                  client_key=props.get(TLS_CLIENT_KEY),
                                  verify=True if verify is None else verify,
                                  api_version=options().api_version,
                                  timeout=options().api_timeout)
        return endpoint_from_conf(options())
    except InvalidSpec as exc:
        where = _property_of(exc.field) if props.get(DOCKER_ENDPOINT) else \
            f"heat.conf [docker_plugin] {exc.field}"
        raise PropertyError(where, exc.problem + (f" ({exc.fix})" if exc.fix else "")) \
            from None


@functools.lru_cache(maxsize=32)
def engine_for(endpoint):
    """The shared Engine of an endpoint, owned by Heat."""
    return Engine(endpoint, owner=OWNER)
