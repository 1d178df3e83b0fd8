"""Where an engine lives and how to talk to it safely.

An :class:`Endpoint` is parsed and checked before anything connects: a bad URL or a
missing certificate file is an :class:`~openstack_docker.errors.InvalidSpec` naming the
field, never a confusing connection error later. TLS verification is ON by default.
"""

import dataclasses
import ipaddress
import os
import re
import urllib.parse

from oslo_log import log as logging

from openstack_docker.errors import InvalidSpec

LOG = logging.getLogger(__name__)

#: Oldest Engine API this project supports: Docker 20.10 serves 1.41.
MIN_API_VERSION = "1.41"
DEFAULT_URL = "unix:///var/run/docker.sock"
DEFAULT_TIMEOUT = 120

_VERSION_RE = re.compile(r"^\d+\.\d+$")


@dataclasses.dataclass(frozen=True)
class TLSSettings:
    """Client-side TLS: the CA that signs the engine, and our client certificate."""

    ca_cert: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    verify: bool = True


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """A validated engine address: ``unix://`` socket or ``tcp://`` host and port."""

    url: str
    tls: TLSSettings | None = None
    api_version: str = "auto"
    timeout: float = DEFAULT_TIMEOUT

    @property
    def base_url(self):
        """The URL in the form the docker SDK expects (https for TLS over TCP)."""
        if self.tls and self.url.startswith("tcp://"):
            return "https://" + self.url[len("tcp://"):]
        return self.url

    def __str__(self):
        return self.url + (" (tls)" if self.tls else "")


def _check_file(field, path):
    if not path:
        return None
    if not os.path.isfile(path):
        raise InvalidSpec(field, f"file {path!r} does not exist",
                          "give the path of a readable PEM file")
    if not os.access(path, os.R_OK):
        raise InvalidSpec(field, f"file {path!r} is not readable",
                          "fix its permissions for the service user")
    return path


def normalise_url(url, field):
    """``(canonical url, whether the scheme asked for TLS)``; InvalidSpec naming ``field``."""
    if not url or not isinstance(url, str):
        raise InvalidSpec(field, "empty endpoint",
                          "use unix:///path/to/docker.sock or tcp://host:port")
    parsed = urllib.parse.urlsplit(url.strip())
    scheme = parsed.scheme.lower()
    if scheme == "unix":
        path = parsed.path or parsed.netloc
        if not path.startswith("/"):
            raise InvalidSpec(field, f"{url!r} has no absolute socket path",
                              "use unix:///var/run/docker.sock")
        return "unix://" + path, False
    if scheme in ("tcp", "http", "https"):
        try:
            port = parsed.port
        except ValueError:
            port = None
            valid_port = False
        else:
            valid_port = True
        if not parsed.hostname or not valid_port or port is None:
            raise InvalidSpec(field, f"{url!r} needs a host and a port between 1 and 65535",
                              "use tcp://host:2376 (TLS) or tcp://host:2375")
        if parsed.path not in ("", "/") or parsed.query or parsed.fragment:
            raise InvalidSpec(field, f"{url!r} has a path, query or fragment",
                              "give only scheme, host and port")
        host = parsed.hostname
        if ":" in host:
            host = f"[{host}]"
        return f"tcp://{host}:{port}", scheme == "https"
    raise InvalidSpec(field, f"unsupported scheme in {url!r}",
                      "use unix:// or tcp:// (https:// is accepted as tcp:// with TLS)")


def is_loopback_host(host):
    """Whether ``host`` (a name or an address, without port or brackets) is this machine's
    loopback: ``localhost``, 127.0.0.0/8 or ``::1``. The one check behind "plain HTTP only
    to loopback" for engines and for the bridge's registries."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_endpoint(url=DEFAULT_URL, *, ca_cert=None, client_cert=None, client_key=None,
                   tls=None, verify=True, api_version="auto", timeout=DEFAULT_TIMEOUT,
                   field="docker_endpoint"):
    """Validate endpoint settings and return an :class:`Endpoint`.

    TLS is used when ``tls`` is true, when any certificate is given, or for ``https://``.
    ``verify=False`` (no CA check) must be asked for explicitly.
    """
    normalised, https = normalise_url(url, field)
    if (client_cert and not client_key) or (client_key and not client_cert):
        raise InvalidSpec(f"{field} client_cert/client_key",
                          "a client certificate needs its key and the key its certificate",
                          "give both files or neither")
    use_tls = tls if tls is not None else bool(https or ca_cert or client_cert)
    if use_tls and normalised.startswith("unix://"):
        raise InvalidSpec(field, "TLS applies only to tcp:// endpoints",
                          "drop the TLS settings or use tcp://host:port")
    if use_tls and verify and not ca_cert:
        raise InvalidSpec(f"{field} ca_cert",
                          "TLS verification is on but no CA certificate is given",
                          "give the CA that signed the engine's certificate")
    host = urllib.parse.urlsplit(normalised).hostname
    if normalised.startswith("tcp://") and not use_tls and not is_loopback_host(host):
        LOG.warning("%s: %s is plain TCP: anyone who reaches it is root on that Docker host; "
                    "use TLS with client certificates", field, normalised)
    settings = None
    if use_tls:
        settings = TLSSettings(
            ca_cert=_check_file("ca_cert", ca_cert),
            client_cert=_check_file("client_cert", client_cert),
            client_key=_check_file("client_key", client_key),
            verify=bool(verify),
        )
    if api_version != "auto" and not _VERSION_RE.match(str(api_version)):
        raise InvalidSpec("api_version", f"{api_version!r} is not a version",
                          "use 'auto' or a version such as 1.41")
    try:
        timeout = float(timeout)
    except (TypeError, ValueError):
        timeout = 0
    if timeout <= 0:
        raise InvalidSpec("timeout", "must be a positive number of seconds",
                          f"for example {DEFAULT_TIMEOUT}")
    return Endpoint(url=normalised, tls=settings, api_version=str(api_version),
                    timeout=timeout)
