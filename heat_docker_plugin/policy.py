"""The operator's policy: what a template may ask of the host.

A template is user input. Privileged mode, host bind mounts, devices and added
capabilities all give a container power over the host, so each is refused unless
heat.conf ``[docker_plugin]`` allows it. Checked at validation, before any engine call.
"""

import posixpath

from heat_docker_plugin.translate import PropertyError


def _under(path, prefixes):
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
        if not _under(host_path, group.allowed_host_paths):
            raise PropertyError("volumes", f"host path {host_path!r} may not be mounted; "
                                "the operator allows only "
                                f"{group.allowed_host_paths or 'none'} "
                                "([docker_plugin] allowed_host_paths)")
    for device in spec.devices:
        host = device.split(":", 1)[0]
        if not _under(host, group.allowed_devices):
            raise PropertyError("devices", f"device {host!r} is not allowed by the operator "
                                "([docker_plugin] allowed_devices)")
    allowed = {cap.strip().upper().removeprefix("CAP_") for cap in group.allowed_capabilities}
    if "ALL" not in allowed:
        refused = sorted(set(spec.cap_add) - allowed)
        if refused:
            raise PropertyError("cap_add", f"capabilities {refused} are not allowed by the "
                                "operator ([docker_plugin] allowed_capabilities)")
