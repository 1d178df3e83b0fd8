"""Template properties of a container, turned into a validated ContainerSpec.

All checking is done by :class:`openstack_docker.spec.ContainerSpec`; this module only
reshapes the historic property formats and names the PROPERTY (not the spec field) when
something is wrong, because that is what the template author wrote.
"""

from openstack_docker import parsing
from openstack_docker.errors import InvalidSpec
from openstack_docker.spec import ContainerSpec

#: Spec fields whose property has another name; every other field is its own property.
_PROPERTY_OF_FIELD = {
    "command": "cmd",
    "stdin_open": "open_stdin",
    "cpuset_cpus": "cpu_set",
    "binds": "volumes",
}


class PropertyError(ValueError):
    """A property value the template must fix."""

    def __init__(self, prop, message):
        super().__init__(f"{prop}: {message}")
        self.prop = prop
        self.message = message


def property_of(field):
    """The property a spec field came from: ``env[2]`` -> env, ``healthcheck.test`` ->
    healthcheck, ``binds`` -> volumes."""
    root = field.split("[", 1)[0].split(".", 1)[0].split(" ", 1)[0]
    return _PROPERTY_OF_FIELD.get(root, root)


def as_property_error(exc, prop=None):
    text = exc.problem + (f" ({exc.fix})" if exc.fix else "")
    return PropertyError(prop or property_of(exc.field), text)


def _volumes(value):
    """Historic ``volumes`` map: ``{HOST: CONTAINER}`` or ``{HOST: {bind, ro|mode}}`` bind
    host paths; ``{PATH: {}}`` makes an anonymous volume at PATH."""
    binds, anonymous = {}, []
    for key, target in (value or {}).items():
        if isinstance(target, dict) and target.get("bind"):
            mode = target.get("mode") or ("ro" if target.get("ro") else "rw")
            binds[key] = {"bind": target["bind"], "mode": mode}
        elif isinstance(target, str) and target:
            binds[key] = {"bind": target, "mode": "rw"}
        else:
            anonymous.append(key)
    return binds, anonymous


def _binding(value):
    """A host binding of ``port_bindings``: ``PORT``, ``IP:PORT``, ``{HostIp, HostPort}``."""
    if isinstance(value, str) and ":" in value:
        host_ip, _, port = value.rpartition(":")
        return (host_ip, port or None)
    return value


def _ports(port_specs, port_bindings):
    """``port_specs`` exposes ports; ``port_bindings`` publishes them on the host."""
    try:
        ports = parsing.ports(port_specs or None)
    except InvalidSpec as exc:
        raise as_property_error(exc, "port_specs") from None
    bindings = {}
    for container_port, hosts in (port_bindings or {}).items():
        hosts = hosts if isinstance(hosts, list) else [hosts]
        bindings[container_port] = [_binding(host) for host in hosts]
    try:
        published = parsing.ports(bindings or None)
    except InvalidSpec as exc:
        raise as_property_error(exc, "port_bindings") from None
    for key, hosts in published.items():
        ports[key] = hosts
    return ports


def _devices(value):
    result = []
    for device in value or []:
        host = device.get("path_on_host")
        target = device.get("path_in_container") or host
        result.append(f"{host}:{target}:{device.get('permissions') or 'rwm'}")
    return result


def _mounts(value):
    return [{"source": m.get("volume"), "target": m.get("target"),
             "read_only": bool(m.get("read_only"))} for m in value or []]


def _networks(value):
    return [{"network": n.get("network"), "aliases": n.get("aliases") or [],
             "ipv4_address": n.get("ipv4_address")} for n in value or []]


def _healthcheck(value):
    if not value or not value.get("test"):
        return None
    return {key: item for key, item in value.items() if item is not None}


def _restart_policy(value):
    if not value or not value.get("Name"):
        return None
    return {"Name": value["Name"], "MaximumRetryCount": value.get("MaximumRetryCount") or 0}


def container_spec(props):
    """Build the ContainerSpec of a container's resolved properties (a plain mapping).

    Raises :class:`PropertyError` naming the property; never contacts an engine.
    """
    binds, anonymous = _volumes(props.get("volumes"))
    try:
        if props.get("name"):
            parsing.name("name", props["name"])
        return ContainerSpec(
            image=props.get("image"),
            command=props.get("cmd") or None,
            entrypoint=props.get("entrypoint") or None,
            env=props.get("env") or None,
            links=props.get("links") or None,
            binds=binds,
            volumes=anonymous,
            mounts=_mounts(props.get("mounts")),
            ports=_ports(props.get("port_specs"), props.get("port_bindings")),
            memory=props.get("memory") or None,
            memory_reservation=props.get("memory_reservation") or None,
            cpu_shares=props.get("cpu_shares") or None,
            cpu_quota=props.get("cpu_quota") or None,
            cpuset_cpus=props.get("cpu_set") or None,
            restart_policy=_restart_policy(props.get("restart_policy")),
            healthcheck=_healthcheck(props.get("healthcheck")),
            labels=props.get("labels") or None,
            hostname=props.get("hostname") or None,
            user=props.get("user") or None,
            working_dir=props.get("working_dir") or None,
            privileged=bool(props.get("privileged")),
            cap_add=props.get("cap_add") or None,
            cap_drop=props.get("cap_drop") or None,
            devices=_devices(props.get("devices")),
            dns=props.get("dns") or None,
            tty=bool(props.get("tty")),
            stdin_open=bool(props.get("open_stdin")),
            stdin_once=bool(props.get("stdin_once")),
            read_only=bool(props.get("read_only")),
            volumes_from=props.get("volumes_from") or None,
            networks=_networks(props.get("networks")),
            stop_signal=props.get("stop_signal") or None,
            stop_timeout=props.get("stop_timeout"),
        )
    except InvalidSpec as exc:
        raise as_property_error(exc) from None
