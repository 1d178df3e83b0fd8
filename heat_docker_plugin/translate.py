"""Template properties of a container, turned into a validated ContainerSpec.

All checking is done by :class:`openstack_docker.spec.ContainerSpec`; this module only
reshapes the historic property formats and names the PROPERTY (not the spec field) when
something is wrong, because that is what the template author wrote.
"""

from heat_docker_plugin import historic, policy
from heat_docker_plugin.errors import PropertyError
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


def _ports(props, group):
    """``port_specs`` exposes ports; ``port_bindings`` publishes them on the host. A
    binding naming no host address is published where the operator says (the engine
    alone would use every interface). With ``group``, the operator's port policy
    applies."""
    host_ip = policy.default_host_address(group) if group else policy.EVERY_INTERFACE
    ports = {}
    for prop, value in (("port_specs", historic.port_specs(props.get("port_specs"))),
                        ("port_bindings", {
                            key: [(ip or host_ip, port) for ip, port in hosts]
                            for key, hosts in historic.port_bindings(
                                props.get("port_bindings")).items()})):
        try:
            parsed = parsing.ports(value or None)
        except InvalidSpec as exc:
            raise as_property_error(exc, prop) from None
        if group:
            policy.check_ports(prop, parsed, group)
        ports.update(parsed)
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


def container_spec(props, group=None):
    """Build the ContainerSpec of a container's resolved properties (a plain mapping),
    accepting every value shape of the historic plugin (see :mod:`historic`).

    With ``group`` (heat.conf ``[docker_plugin]``) the operator's port policy and
    limits apply. Raises :class:`PropertyError` naming the property; never contacts an
    engine.
    """
    binds, anonymous = _volumes(props.get("volumes"))
    limits = policy.limits(props, group) if group else props
    env, unset = historic.env(props.get("env"))
    try:
        if props.get("name"):
            parsing.name("name", props["name"])
        spec = ContainerSpec(
            image=props.get("image"),
            command=historic.texts("cmd", props.get("cmd")) or None,
            entrypoint=historic.texts("entrypoint", props.get("entrypoint")) or None,
            env=env or None,
            links=historic.links(props.get("links")) or None,
            binds=binds,
            volumes=anonymous,
            mounts=_mounts(props.get("mounts")),
            ports=_ports(props, group),
            memory=limits.get("memory") or None,
            memory_reservation=limits.get("memory_reservation") or None,
            cpu_shares=props.get("cpu_shares") or None,
            cpu_quota=limits.get("cpu_quota") or None,
            cpuset_cpus=props.get("cpu_set") or None,
            pids_limit=limits.get("pids_limit") or None,
            restart_policy=_restart_policy(props.get("restart_policy")),
            healthcheck=_healthcheck(props.get("healthcheck")),
            labels=historic.string_map("labels", props.get("labels")) or None,
            hostname=props.get("hostname") or None,
            user=props.get("user") or None,
            working_dir=props.get("working_dir") or None,
            privileged=bool(props.get("privileged")),
            cap_add=historic.texts("cap_add", props.get("cap_add")) or None,
            cap_drop=historic.texts("cap_drop", props.get("cap_drop")) or None,
            devices=_devices(props.get("devices")),
            dns=historic.texts("dns", props.get("dns")) or None,
            tty=bool(props.get("tty")),
            stdin_open=bool(props.get("open_stdin")),
            stdin_once=bool(props.get("stdin_once")),
            read_only=bool(props.get("read_only")),
            volumes_from=historic.names("volumes_from", props.get("volumes_from")) or None,
            networks=_networks(props.get("networks")),
            stop_signal=props.get("stop_signal") or None,
            stop_timeout=props.get("stop_timeout"),
        )
        # An entry without '=' unsets the variable (docker-py sends a None value as the
        # bare name): the spec's parser knows only KEY=VALUE, so these join after it.
        parsing.environment(dict.fromkeys(unset, ""))  # valid names only
        spec.env.update(dict.fromkeys(unset))
    except InvalidSpec as exc:
        raise as_property_error(exc) from None
    return spec
