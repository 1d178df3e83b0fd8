"""The operator's policy: what a template may ask of the host.

A template is tenant input. Privileged mode, host bind mounts, devices, added
capabilities and volume driver options all give a container power over the host, so each
is refused unless heat.conf ``[docker_plugin]`` allows it. Checked at validation, before
any engine call, from the template's text alone.
"""

import posixpath

from heat_docker_plugin.translate import PropertyError

#: Mount options of a local tmpfs volume that only size and own it.
_TMPFS_OPTIONS = ("size", "mode", "uid", "gid", "nr_inodes")
#: Flags of a local bind volume besides ``bind`` itself.
_BIND_FLAGS = ("ro", "rw")


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
