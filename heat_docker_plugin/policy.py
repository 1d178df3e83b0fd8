"""The operator's policy: what a template may ask of the host.

A template is tenant input. Privileged mode, host bind mounts, devices, added
capabilities and volume driver options all give a container power over the host, so each
is refused unless heat.conf ``[docker_plugin]`` allows it. Checked at validation, before
any engine call, from the template's text alone.
"""

import ipaddress
import posixpath

from heat_docker_plugin.errors import PropertyError

#: Mount options of a local tmpfs volume that only size and own it.
_TMPFS_OPTIONS = ("size", "mode", "uid", "gid", "nr_inodes")
#: Flags of a local bind volume besides ``bind`` itself.
_BIND_FLAGS = ("ro", "rw")
#: The engine's meaning of a published port that names no host address.
EVERY_INTERFACE = "0.0.0.0"
MIB = 1024 * 1024
#: cpu_quota of one whole CPU (the engine's default period is 100 ms).
CPU_QUOTA_PER_CPU = 100000


def under(path, prefixes):
    """Whether ``path`` is one of ``prefixes`` or below one, as written.

    The path must be absolute and free of ``..``: the engine, not Heat, resolves it, and
    a ``..`` after a symlink goes where the symlink leads, not where the text says.
    """
    if not path.startswith("/") or ".." in path.split("/"):
        return False
    path = posixpath.normpath(path)
    for prefix in prefixes:
        prefix = posixpath.normpath(prefix.strip())
        if prefix and (path == prefix or path.startswith(prefix.rstrip("/") + "/")):
            return True
    return False


def check(spec, group):
    """Raise PropertyError naming the first property the operator does not allow.

    ``group`` is heat.conf's ``[docker_plugin]`` option group.
    """
    if spec.privileged and not group.allow_privileged:
        raise PropertyError("privileged", "privileged containers are not allowed by the "
                            "operator ([docker_plugin] allow_privileged)")
    for host_path in spec.binds:
        if not under(host_path, group.allowed_host_paths):
            raise PropertyError("volumes", _host_path_refused(host_path, group))
    for device in spec.devices:
        host = device.split(":", 1)[0]
        if not under(host, group.allowed_devices):
            raise PropertyError("devices", f"device {host!r} is not allowed by the operator "
                                "([docker_plugin] allowed_devices)")
    allowed = {cap.strip().upper().removeprefix("CAP_") for cap in group.allowed_capabilities}
    if "ALL" not in allowed:
        refused = sorted(set(spec.cap_add) - allowed)
        if refused:
            raise PropertyError("cap_add", f"capabilities {refused} are not allowed by the "
                                "operator ([docker_plugin] allowed_capabilities)")


def _host_path_refused(host_path, group):
    return (f"host path {host_path!r} may not be mounted; the operator allows only "
            f"{group.allowed_host_paths or 'none'}, without '..' "
            "([docker_plugin] allowed_host_paths)")


def check_volume(driver, options, group):
    """Refuse a volume driver, or driver options, the operator does not allow.

    Driver options are mount instructions run by the engine as root: ``type: nfs``
    mounts any server, ``o: bind, device: /`` the host's root. Without
    ``allow_volume_driver_opts`` only a local tmpfs and local binds of allowed host
    paths pass.
    """
    allowed = [name.strip() for name in group.allowed_volume_drivers]
    if driver not in allowed:
        raise PropertyError("driver", f"volume driver {driver!r} is not allowed by the "
                            f"operator (allowed: {allowed or 'none'}; [docker_plugin] "
                            "allowed_volume_drivers)")
    if not options or group.allow_volume_driver_opts:
        return
    problem = _local_options_problem(driver, options, group)
    if problem:
        raise PropertyError("driver_opts", f"{problem}; the operator allows only a local "
                            "tmpfs or a local bind of an allowed host path ([docker_plugin] "
                            "allow_volume_driver_opts, allowed_host_paths)")


def _local_options_problem(driver, options, group):
    """Why these options are not a harmless local tmpfs or allowed bind, or None."""
    if driver != "local":
        return f"driver options for driver {driver!r} are not allowed"
    unknown = sorted(set(options) - {"type", "o", "device"})
    if unknown:
        return f"options {unknown} are not allowed"
    flags = [flag.strip() for flag in options.get("o", "").split(",") if flag.strip()]
    kind, device = options.get("type"), options.get("device", "")
    if kind == "tmpfs" and device == "tmpfs":
        refused = [flag for flag in flags if flag.split("=", 1)[0] not in _TMPFS_OPTIONS]
        return f"tmpfs options {refused} are not allowed" if refused else None
    if kind == "none" and "bind" in flags:
        refused = [flag for flag in flags if flag not in ("bind", *_BIND_FLAGS)]
        if refused:
            return f"bind options {refused} are not allowed"
        if not under(device, group.allowed_host_paths):
            return _host_path_refused(device, group)
        return None
    return f"type {kind!r} with device {device!r} is not allowed"


def _words(values):
    return [value.strip() for value in values if value.strip()]


def _address(text):
    """An address in one spelling (``::1`` and ``0:0::1`` are the same)."""
    try:
        return str(ipaddress.ip_address(str(text).strip("[]")))
    except ValueError:
        return str(text)


def default_host_address(group):
    """Where a binding naming no address is published: the operator's first allowed
    address; without one, the engine's meaning (every interface), which
    :func:`check_ports` then refuses."""
    allowed = _words(group.allowed_host_addresses)
    return allowed[0] if allowed else EVERY_INTERFACE


def check_ports(prop, ports, group):
    """Refuse a published port on a host address or port the operator does not allow.

    ``ports`` is the spec's ``{'80/tcp': [binding, ...]}``; a binding is None (exposed,
    not published), a port (every interface), ``(ip,)`` (a port the engine picks) or
    ``(ip, port)``.
    """
    allowed = {_address(address) for address in _words(group.allowed_host_addresses)}
    for key, bindings in ports.items():
        for binding in bindings:
            if binding is None:
                continue
            host_ip, port = ((*binding, None)[:2] if isinstance(binding, tuple)
                             else (EVERY_INTERFACE, binding))
            if _address(host_ip) not in allowed:
                raise PropertyError(prop, f"{key} may not be published on host address "
                                    f"{host_ip}; the operator allows "
                                    f"{sorted(allowed) or 'none'} ([docker_plugin] "
                                    "allowed_host_addresses)")
            if port is not None and not group.min_host_port <= port <= group.max_host_port:
                raise PropertyError(prop, f"{key} may not be published on host port "
                                    f"{port}; the operator allows {group.min_host_port}-"
                                    f"{group.max_host_port} ([docker_plugin] "
                                    "min_host_port, max_host_port)")


def _limit(props, prop, default, maximum, option, unit=1):
    """The template's limit (``prop``), else the operator's default; a template value
    above the maximum is refused."""
    value = props.get(prop)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return value or (int(default * unit) or None)
    if maximum and value > maximum * unit:
        raise PropertyError(prop, f"{value} is above the operator's maximum of "
                            f"{int(maximum * unit)} ([docker_plugin] {option})")
    return value


def limits(props, group):
    """memory, memory_reservation, cpu_quota and pids_limit of a container: what the
    template says within the operator's maxima, else the operator's defaults."""
    return {
        "memory": _limit(props, "memory", group.default_memory_mb, group.max_memory_mb,
                         "max_memory_mb", MIB),
        "memory_reservation": _limit(props, "memory_reservation", 0, group.max_memory_mb,
                                     "max_memory_mb", MIB),
        "cpu_quota": _limit(props, "cpu_quota", group.default_cpus, group.max_cpus,
                            "max_cpus", CPU_QUOTA_PER_CPU),
        "pids_limit": _limit(props, "pids_limit", group.default_pids_limit,
                             group.max_pids_limit, "max_pids_limit"),
    }


def defaults(group):
    """The limits a container gets when its template sets none (live state reads them
    back: they are not a change the template made)."""
    return limits({}, group)


def check_network_driver(driver, group):
    allowed = _words(group.allowed_network_drivers)
    if driver not in allowed:
        raise PropertyError("driver", f"network driver {driver!r} is not allowed by the "
                            f"operator (allowed: {allowed or 'none'}; [docker_plugin] "
                            "allowed_network_drivers)")


def tls_verify(wanted, group):
    """Whether to verify an engine's certificate: a template may turn it off only if
    the operator allows it, and never when the operator forces it."""
    if group.force_tls_verify:
        if wanted is False:
            raise PropertyError("tls_verify", "certificate verification is forced by the "
                                "operator ([docker_plugin] force_tls_verify)")
        return True
    if wanted is False and not group.allow_insecure_tls:
        raise PropertyError("tls_verify", "turning certificate verification off is not "
                            "allowed by the operator ([docker_plugin] allow_insecure_tls)")
    return wanted is not False
