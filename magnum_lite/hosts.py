"""The operator's Docker hosts, read from the YAML file ``[hosts] hosts_file`` names.

```yaml
hosts:
  - name: docker1
    endpoint: tcp://10.0.0.5:2376
    advertise_address: 10.0.0.5        # default: the endpoint's IP
    ca_cert: /etc/magnum-lite/docker1/ca.pem
    client_cert: /etc/magnum-lite/docker1/cert.pem
    client_key: /etc/magnum-lite/docker1/key.pem
    labels: {zone: a}
```

Every problem is a :class:`HostsError` naming the file and the field (``hosts[1].endpoint``).
"""

import ipaddress
import re
import urllib.parse

import yaml

from magnum_lite.drivers.base import Host
from openstack_docker import errors
from openstack_docker.endpoint import parse_endpoint

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_FIELDS = {"name", "endpoint", "advertise_address", "ca_cert", "client_cert", "client_key",
           "labels"}


class HostsError(ValueError):
    """The hosts file is missing or wrong; the message names the field."""


def load(conf):
    """The hosts of ``conf.hosts.hosts_file`` as :class:`~magnum_lite.drivers.base.Host`."""
    path = conf.hosts.hosts_file
    if not path:
        raise HostsError("[hosts] hosts_file: not set (name the YAML file listing the "
                         "Docker hosts)")
    try:
        with open(path) as handle:
            document = yaml.safe_load(handle)
    except OSError as exc:
        raise HostsError(f"[hosts] hosts_file: cannot read {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise HostsError(f"{path}: not valid YAML: {exc}") from exc
    return parse(document, source=path)


def parse(document, source="hosts"):
    """Validate a parsed hosts document (a list, or a mapping with key ``hosts``)."""
    if isinstance(document, dict) and set(document) == {"hosts"}:
        document = document["hosts"]
    if not isinstance(document, list) or not document:
        raise HostsError(f"{source}: hosts: expected a non-empty list of hosts")
    hosts, seen = [], {}
    for index, entry in enumerate(document):
        host = _host(entry, f"{source}: hosts[{index}]")
        if host.name in seen:
            raise HostsError(f"{source}: hosts[{index}].name: {host.name!r} is already used "
                             f"by hosts[{seen[host.name]}]")
        seen[host.name] = index
        hosts.append(host)
    return hosts


def _host(entry, where):
    if not isinstance(entry, dict):
        raise HostsError(f"{where}: expected a mapping with name, endpoint, ...")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise HostsError(f"{where}.{unknown[0]}: unknown field (known: "
                         f"{', '.join(sorted(_FIELDS))})")
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise HostsError(f"{where}.name: {name!r} is not a host name (1-63 of letters, "
                         "digits, '.', '_', '-')")
    for field in ("endpoint", "ca_cert", "client_cert", "client_key", "advertise_address"):
        if entry.get(field) is not None and not isinstance(entry[field], str):
            raise HostsError(f"{where}.{field}: expected a string")
    try:
        endpoint = parse_endpoint(entry.get("endpoint"), ca_cert=entry.get("ca_cert"),
                                  client_cert=entry.get("client_cert"),
                                  client_key=entry.get("client_key"), field="endpoint")
    except errors.InvalidSpec as exc:
        raise HostsError(f"{where}.{exc.message}") from exc
    address = entry.get("advertise_address")
    if address is None and endpoint.url.startswith("tcp://"):
        address = urllib.parse.urlsplit(endpoint.url).hostname
    try:
        ipaddress.ip_address(address or "")
    except ValueError:
        raise HostsError(f"{where}.advertise_address: {address!r} is not an IP address "
                         "(give the address the other swarm nodes reach this host on)"
                         ) from None
    labels = entry.get("labels") or {}
    if not isinstance(labels, dict) or not all(
            isinstance(k, str) and isinstance(v, str | int | float | bool)
            for k, v in labels.items()):
        raise HostsError(f"{where}.labels: expected a mapping of strings to strings")
    return Host(name=name, endpoint=endpoint.url, advertise_address=str(address),
                ca_cert=entry.get("ca_cert"), client_cert=entry.get("client_cert"),
                client_key=entry.get("client_key"),
                labels={k: str(v) for k, v in labels.items()})
