"""Endpoint options shared by every package; each registers them in its own group.

nova.conf's ``[docker]``, heat.conf's ``[docker_plugin]`` and magnum_lite's
``[docker]`` carry the same names with the same meaning.
"""

from oslo_config import cfg

from openstack_docker.endpoint import DEFAULT_TIMEOUT, DEFAULT_URL, parse_endpoint


def endpoint_opts():
    """A fresh list of the endpoint options, for one package's group."""
    return [
        cfg.StrOpt("endpoint", default=DEFAULT_URL,
                   help="Docker engine to use: unix:///path/to/docker.sock or tcp://host:port. "
                        "tcp:// with ca_cert (and client_cert/client_key) uses TLS."),
        cfg.StrOpt("ca_cert",
                   help="PEM file of the CA that signed the engine's TLS certificate."),
        cfg.StrOpt("client_cert", help="PEM client certificate presented to the engine."),
        cfg.StrOpt("client_key", help="PEM private key of client_cert."),
        cfg.BoolOpt("tls_verify", default=True,
                    help="Verify the engine's certificate against ca_cert. Turning this off "
                         "lets anyone on the path impersonate the engine."),
        cfg.StrOpt("api_version", default="auto",
                   help="Engine API version, or 'auto' to negotiate (at least 1.41)."),
        cfg.IntOpt("api_timeout", default=DEFAULT_TIMEOUT, min=1,
                   help="Seconds to wait for an engine API call."),
    ]


def endpoint_from_conf(group):
    """Build a validated endpoint from a registered option group (``CONF.docker``)."""
    return parse_endpoint(group.endpoint, ca_cert=group.ca_cert,
                          client_cert=group.client_cert, client_key=group.client_key,
                          verify=group.tls_verify, api_version=group.api_version,
                          timeout=group.api_timeout, field="endpoint")
