"""Value shapes the historic contrib plugin accepted, in the shapes the spec parses.

The historic schemas had LIST properties without an item schema and MAP properties
without a value schema: Heat let numbers and strings through alike, and docker-py
turned them into what the engine wanted (``port_specs: [80]``, ``cmd: [sleep, 10]``,
``port_bindings: {80: 8080}``, ``links: {db: null}``). Old templates must run unchanged,
so each function here takes every shape the historic plugin took and returns the one
meaning the engine gave it, or raises PropertyError naming the property for a value that
never meant anything (a nested map where a word belongs).
"""

from heat_docker_plugin.errors import PropertyError

#: A port binding whose host port the engine picks (docker-py sent HostPort "").
RANDOM_PORT = None


def scalar_text(prop, value):
    """A string, number or boolean as the text the engine receives (YAML ``true`` is
    ``true``, not Python's ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    raise PropertyError(prop, f"{_short(value)} is not a string or a number")


def texts(prop, values):
    """A LIST without item schema: each item as text. A single string is one item."""
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    if not isinstance(values, list | tuple):
        raise PropertyError(prop, f"{_short(values)} is not a list")
    return [scalar_text(prop, value) for value in values]


def names(prop, values):
    """A list of names (``volumes_from``); the historic default '' and empty items
    name nothing."""
    return [text for text in texts(prop, values) if text.strip()]


def env(values):
    """``env`` entries as ``(KEY=VALUE entries, names to unset)``: an entry without ``=``
    tells the engine to drop that variable from the image's environment."""
    entries = texts("env", values)
    return ([entry for entry in entries if "=" in entry],
            [entry for entry in entries if "=" not in entry])


def port_specs(values):
    """``port_specs`` items: ``80``, ``"80"``, ``"53/udp"`` or ``[53, udp]``."""
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        raise PropertyError("port_specs", f"{_short(values)} is not a list")
    result = []
    for value in values:
        if isinstance(value, list | tuple) and len(value) == 2:
            value = f"{scalar_text('port_specs', value[0])}/{scalar_text('port_specs', value[1])}"
        result.append(scalar_text("port_specs", value))
    return result


def _host_binding(value):
    """One host binding as docker-py read it: a port (int or text), ``IP:PORT``,
    ``{HostIp, HostPort}``, or empty for a port the engine picks."""
    if value is None or value == "":
        return (None, RANDOM_PORT)
    if isinstance(value, dict):
        unknown = sorted(str(key) for key in value if key not in ("HostIp", "HostPort"))
        if unknown:
            raise PropertyError("port_bindings", f"unknown keys {unknown} in a binding "
                                "(use HostIp and HostPort)")
        host_ip, host_port = value.get("HostIp"), value.get("HostPort")
        return (scalar_text("port_bindings", host_ip) if host_ip else None,
                scalar_text("port_bindings", host_port) if host_port not in (None, "")
                else RANDOM_PORT)
    text = scalar_text("port_bindings", value)
    if ":" in text:
        host_ip, _, port = text.rpartition(":")
        return (host_ip or None, port or RANDOM_PORT)
    return (None, text)


def port_bindings(value):
    """``{CONTAINER_PORT[/PROTO]: HOST or [HOST, ...]}`` as ``{key: [(ip, port)]}``;
    keys may be numbers. ``ip`` None means "not said" (the operator's policy fills it)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PropertyError("port_bindings", f"{_short(value)} is not a map")
    result = {}
    for container_port, hosts in value.items():
        key = scalar_text("port_bindings", container_port)
        hosts = hosts if isinstance(hosts, list | tuple) else [hosts]
        result[key] = [_host_binding(host) for host in hosts] or [(None, RANDOM_PORT)]
    return result


def links(value):
    """``{NAME: ALIAS}``; an empty alias is the name itself."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PropertyError("links", f"{_short(value)} is not a map")
    result = {}
    for target, alias in value.items():
        target = scalar_text("links", target)
        result[target] = scalar_text("links", alias) if alias not in (None, "") else target
    return result


def string_map(prop, value):
    """A MAP of words (labels): values as text; a nested value means nothing."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PropertyError(prop, f"{_short(value)} is not a map")
    return {scalar_text(prop, key): "" if item is None else scalar_text(prop, item)
            for key, item in value.items()}


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
