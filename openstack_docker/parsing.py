"""Parsers for the values a container spec accepts, each failing with the field's name.

Templates, image properties and CLI flags all arrive as strings or loose lists; these
functions turn them into the exact shapes the Engine API wants, or raise
:class:`~openstack_docker.errors.InvalidSpec` saying which field is wrong and how to fix it.
"""

import ipaddress
import posixpath
import re

import docker.auth
import docker.errors
import docker.utils

from openstack_docker.errors import InvalidSpec

CAPABILITIES = frozenset({
    "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "BPF", "CHECKPOINT_RESTORE",
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER",
    "KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN",
    "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "PERFMON", "SETFCAP", "SETGID", "SETPCAP",
    "SETUID", "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT",
    "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "SYSLOG",
    "WAKE_ALARM", "ALL",
})

RESTART_POLICIES = ("no", "always", "unless-stopped", "on-failure")
PROTOCOLS = ("tcp", "udp", "sctp")
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
                   "h": 3600 * 10**9}
_HOSTNAME_RE = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*$")
_CPUSET_RE = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")
_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
_ENV_KEY_RE = re.compile(r"^[^=\s]+$")
_MAC_RE = re.compile(r"^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$")


def string_list(field, value):
    """A list of strings; a single string becomes a one-element list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidSpec(field, f"expected a list of strings, got {value!r}")
    return list(value)


def command(field, value):
    """A command or entrypoint: a string (shell-split by the SDK) or a list of strings."""
    if value is None or isinstance(value, str):
        return value or None
    return string_list(field, value) or None


def environment(value):
    """Environment from a mapping or from ``KEY=VALUE`` strings, as a dict."""
    if value is None:
        return {}
    items = value.items() if isinstance(value, dict) else None
    if items is None:
        items = []
        for index, entry in enumerate(string_list("env", value)):
            if "=" not in entry:
                raise InvalidSpec(f"env[{index}]", f"{entry!r} is not KEY=VALUE",
                                  "write it as NAME=value")
            items.append(entry.split("=", 1))
    env = {}
    for key, val in items:
        if not isinstance(key, str) or not _ENV_KEY_RE.match(key):
            raise InvalidSpec("env", f"{key!r} is not a valid variable name",
                              "use a name without '=' or spaces")
        env[key] = "" if val is None else str(val)
    return env


def name(field, value):
    """A container, network or volume name as the engine accepts it."""
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise InvalidSpec(field, f"{value!r} is not a valid name",
                          "use letters, digits, '_', '.' and '-', starting with a letter "
                          "or digit")
    return value


def absolute_path(field, value):
    """A normalised absolute POSIX path."""
    if not isinstance(value, str) or not value.startswith("/"):
        raise InvalidSpec(field, f"{value!r} is not an absolute path", "start it with '/'")
    return posixpath.normpath(value)


def links(value):
    """Links as ``{container_name: alias}`` from a mapping or ``name[:alias]`` strings."""
    if value is None:
        return {}
    if isinstance(value, dict):
        pairs = value.items()
    else:
        pairs = [([*entry.split(":", 1), None])[:2] for entry in string_list("links", value)]
    result = {}
    for target, alias in pairs:
        name("links", target)
        result[target] = name("links", alias or target)
    return result


def binds(value):
    """Host bind mounts as ``{host_path: {'bind': path, 'mode': 'rw'|'ro'}}``."""
    if value is None:
        return {}
    if isinstance(value, dict):
        entries = []
        for host, target in value.items():
            if isinstance(target, dict):
                entries.append((host, target.get("bind"), target.get("mode", "rw")))
            else:
                entries.append((host, target, "rw"))
    else:
        entries = []
        for entry in string_list("binds", value):
            parts = entry.split(":")
            if len(parts) not in (2, 3):
                raise InvalidSpec("binds", f"{entry!r} is not HOST_PATH:CONTAINER_PATH[:ro]")
            entries.append((parts[0], parts[1], parts[2] if len(parts) == 3 else "rw"))
    result = {}
    for host, target, mode in entries:
        host_path = absolute_path("binds", host)
        if mode not in ("rw", "ro"):
            raise InvalidSpec("binds", f"mode {mode!r} for {host!r}", "use 'rw' or 'ro'")
        result[host_path] = {"bind": absolute_path("binds", target), "mode": mode}
    return result


def named_mounts(value):
    """Named volumes as a list of ``(volume, target, read_only)``."""
    result = []
    for entry in value or []:
        if isinstance(entry, dict):
            source, target = entry.get("source"), entry.get("target")
            read_only = bool(entry.get("read_only", False))
        else:
            parts = str(entry).split(":")
            if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] not in ("ro", "rw")):
                raise InvalidSpec("mounts", f"{entry!r} is not VOLUME:CONTAINER_PATH[:ro]")
            source, target = parts[0], parts[1]
            read_only = len(parts) == 3 and parts[2] == "ro"
        result.append((name("mounts", source), absolute_path("mounts", target), read_only))
    return result


def _port_number(field, text):
    try:
        number = int(text)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 65535:
        raise InvalidSpec(field, f"{text!r} is not a port number", "use 1 to 65535")
    return number


def _container_port(field, text):
    port, _, proto = str(text).partition("/")
    proto = proto or "tcp"
    if proto not in PROTOCOLS:
        raise InvalidSpec(field, f"protocol {proto!r} in {text!r}", "use tcp, udp or sctp")
    return f"{_port_number(field, port)}/{proto}"


def _host_binding(field, host_ip, host_port):
    if host_ip:
        try:
            ipaddress.ip_address(host_ip.strip("[]"))
        except ValueError:
            raise InvalidSpec(field, f"{host_ip!r} is not an IP address",
                              "use for example 127.0.0.1") from None
    port = _port_number(field, host_port) if host_port not in (None, "") else None
    if host_ip:
        return (host_ip.strip("[]"), port) if port else (host_ip.strip("[]"),)
    return port


def ports(value):
    """Published ports as ``{'80/tcp': [binding, ...]}``.

    Accepts ``[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]`` strings or a mapping of
    container port to host port / ``(ip, port)`` / list of those. A binding of ``None``
    exposes the port without publishing it.
    """
    result = {}
    if value is None:
        return result
    if isinstance(value, dict):
        for container, hosts in value.items():
            key = _container_port("ports", container)
            if not isinstance(hosts, list):
                hosts = [hosts]
            for host in hosts:
                if isinstance(host, dict):
                    host = (host.get("HostIp") or "", host.get("HostPort") or None)
                if isinstance(host, tuple | list):
                    binding = _host_binding("ports", *([*list(host), None])[:2])
                else:
                    binding = _host_binding("ports", None, host) if host is not None else None
                result.setdefault(key, []).append(binding)
        return result
    for entry in string_list("ports", value):
        head, _, proto = entry.partition("/")
        container_part = head.rsplit(":", 1)[-1] + (f"/{proto}" if proto else "")
        key = _container_port("ports", container_part)
        parts = head.rsplit(":", 2)
        if len(parts) == 1:
            binding = None
        elif len(parts) == 2:
            binding = _host_binding("ports", None, parts[0])
        else:
            binding = _host_binding("ports", parts[0], parts[1])
        result.setdefault(key, []).append(binding)
    return result


def byte_size(field, value, minimum=0):
    """A size in bytes from an int or a string such as ``512m``."""
    if value is None:
        return None
    try:
        size = docker.utils.parse_bytes(value) if isinstance(value, str) else int(value)
    except (docker.errors.DockerException, ValueError, TypeError):
        raise InvalidSpec(field, f"{value!r} is not a size",
                          "use bytes or a number with b, k, m or g") from None
    if size < minimum:
        raise InvalidSpec(field, f"{value!r} is below the minimum of {minimum} bytes")
    return size


def integer(field, value, minimum=None, maximum=None):
    """An integer within optional bounds."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidSpec(field, f"{value!r} is not a number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidSpec(field, f"{value!r} is not a whole number") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = f"from {minimum}" + (f" to {maximum}" if maximum is not None else "")
        raise InvalidSpec(field, f"{number} is out of range", f"use a value {bounds}")
    return number


def cpuset(value):
    """A cpuset such as ``0-2,4``."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _CPUSET_RE.match(value):
        raise InvalidSpec("cpuset_cpus", f"{value!r} is not a CPU list",
                          "use for example 0-2,4")
    return value


def restart_policy(value):
    """A restart policy from ``no``/``always``/``unless-stopped``/``on-failure[:N]`` or a dict."""
    if value in (None, ""):
        return None
    if isinstance(value, dict):
        policy = value.get("Name", value.get("name"))
        retries = value.get("MaximumRetryCount", value.get("maximum_retry_count", 0))
    else:
        policy, _, retries = str(value).partition(":")
    if policy not in RESTART_POLICIES:
        raise InvalidSpec("restart_policy", f"{policy!r} is not a restart policy",
                          "use " + ", ".join(RESTART_POLICIES))
    retries = integer("restart_policy", retries or 0, minimum=0)
    if retries and policy != "on-failure":
        raise InvalidSpec("restart_policy", "a retry count applies only to on-failure",
                          "write on-failure:N")
    return {"Name": policy, "MaximumRetryCount": retries}


def duration_ns(field, value):
    """A duration in nanoseconds from seconds (int/float) or a Go-style string (``1m30s``)."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value
        if seconds < 0:
            raise InvalidSpec(field, f"{value!r} is negative")
        return int(seconds * 10**9)
    text = str(value).strip()
    if text.isdigit():
        return int(text) * 10**9
    matches = list(_DURATION_RE.finditer(text))
    if not matches or "".join(m.group(0) for m in matches) != text:
        raise InvalidSpec(field, f"{value!r} is not a duration",
                          "use seconds or a string such as 30s, 1m30s, 500ms")
    return int(sum(float(m.group(1)) * _DURATION_UNITS[m.group(2)] for m in matches))


def healthcheck(value):
    """A healthcheck for the Engine API (durations in nanoseconds)."""
    if not value:
        return None
    if not isinstance(value, dict):
        raise InvalidSpec("healthcheck", f"{value!r} is not a mapping",
                          "give test, and optionally interval, timeout, retries, start_period")
    unknown = set(value) - {"test", "interval", "timeout", "retries", "start_period"}
    if unknown:
        raise InvalidSpec("healthcheck", f"unknown keys {sorted(unknown)}",
                          "use test, interval, timeout, retries, start_period")
    test = value.get("test")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    elif isinstance(test, list | tuple) and test:
        test = [str(t) for t in test]
        if test[0] not in ("CMD", "CMD-SHELL", "NONE"):
            test = ["CMD", *test]
    else:
        raise InvalidSpec("healthcheck.test", "missing",
                          "give a shell command string or a list")
    result = {"test": test}
    for key in ("interval", "timeout", "start_period"):
        ns = duration_ns(f"healthcheck.{key}", value.get(key))
        if ns is not None:
            if ns and ns < 10**6:
                raise InvalidSpec(f"healthcheck.{key}", "must be at least 1ms")
            result[key] = ns
    retries = integer("healthcheck.retries", value.get("retries"), minimum=0)
    if retries is not None:
        result["retries"] = retries
    return result


def capabilities(field, value):
    """Linux capability names, upper-case, without the ``CAP_`` prefix."""
    result = []
    for entry in string_list(field, value):
        cap = entry.upper()
        cap = cap[4:] if cap.startswith("CAP_") else cap
        if cap not in CAPABILITIES:
            raise InvalidSpec(field, f"{entry!r} is not a Linux capability",
                              "use names such as NET_ADMIN or SYS_TIME (see capabilities(7))")
        result.append(cap)
    return result


def devices(value):
    """Device mappings ``HOST[:CONTAINER[:PERMS]]`` with absolute paths and rwm perms."""
    result = []
    for entry in string_list("devices", value):
        parts = entry.split(":")
        if len(parts) > 3:
            raise InvalidSpec("devices", f"{entry!r} is not HOST[:CONTAINER[:PERMS]]")
        host = absolute_path("devices", parts[0])
        target = absolute_path("devices", parts[1]) if len(parts) > 1 and parts[1] else host
        perms = parts[2] if len(parts) == 3 else "rwm"
        if not perms or set(perms) - set("rwm"):
            raise InvalidSpec("devices", f"permissions {perms!r} in {entry!r}",
                              "use a combination of r, w and m")
        result.append(f"{host}:{target}:{perms}")
    return result


def ip_list(field, value):
    """A list of IP addresses (DNS servers)."""
    result = []
    for entry in string_list(field, value):
        try:
            result.append(str(ipaddress.ip_address(entry)))
        except ValueError:
            raise InvalidSpec(field, f"{entry!r} is not an IP address") from None
    return result


def hostname(value):
    """A hostname: dot-separated labels of letters, digits and '-'."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 253 or not _HOSTNAME_RE.match(value):
        raise InvalidSpec("hostname", f"{value!r} is not a valid hostname",
                          "use letters, digits and '-', labels of at most 63 characters")
    return value


def labels(field, value):
    """Labels as a dict of strings."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidSpec(field, f"{value!r} is not a mapping of strings")
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def mac_address(value):
    """A unicast-looking MAC address ``aa:bb:cc:dd:ee:ff``."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _MAC_RE.match(value):
        raise InvalidSpec("mac_address", f"{value!r} is not a MAC address",
                          "use six hex pairs separated by ':'")
    return value.lower()


def repository_tag(reference):
    """``(repository, tag or None)`` of an image reference, split as the engine does
    (a digest stays with the repository side)."""
    return docker.utils.parse_repository_tag(reference)


def registry_of(reference):
    """The registry host an image reference names (``docker.io`` by default)."""
    return docker.auth.resolve_repository_name(repository_tag(reference)[0])[0]
