"""Reading a container's inspect data: readiness, attributes and live properties.

Pure functions over the engine's ``inspect`` answer, so the resource class stays about
the Heat life cycle and these rules are unit-testable without an engine.
"""

PENDING, READY, FAILED = "pending", "ready", "failed"


def create_outcome(info):
    """Whether a just-started container is READY, still PENDING, or FAILED (and why).

    A container that exited 0 did its job (one-shot): READY. One that exited non-zero, or
    keeps being restarted after non-zero exits, or whose healthcheck says unhealthy has
    FAILED at once, instead of leaving the stack waiting for its timeout.
    """
    state = info["State"]
    code = state.get("ExitCode", 0)
    if state.get("Restarting"):
        if code:
            return FAILED, f"keeps restarting, last exit code {code}"
        return PENDING, None
    if state.get("Running"):
        health = (state.get("Health") or {}).get("Status")
        if health == "starting":
            return PENDING, None
        if health == "unhealthy":
            return FAILED, "healthcheck reports unhealthy"
        return READY, None
    if state.get("Status") in ("exited", "dead"):
        if code == 0 and not state.get("OOMKilled"):
            return READY, None
        reason = "was killed for exceeding its memory limit" if state.get("OOMKilled") \
            else f"exited with code {code}"
        if state.get("Error"):
            reason += f": {state['Error']}"
        return FAILED, reason
    return PENDING, None


def published_ports(info):
    """Host ports published per protocol, as comma-separated strings (historic format)."""
    found = {"tcp": [], "udp": []}
    for key, bindings in sorted((info["NetworkSettings"].get("Ports") or {}).items()):
        proto = key.partition("/")[2]
        for binding in bindings or []:
            if proto in found and binding.get("HostPort"):
                found[proto].append(binding["HostPort"])
    return ",".join(found["tcp"]), ",".join(found["udp"])


def network_info(info):
    settings = dict(info["NetworkSettings"])
    settings["TcpPorts"], settings["UdpPorts"] = published_ports(info)
    return settings


def _first_network(info):
    networks = info["NetworkSettings"].get("Networks") or {}
    for name in sorted(networks):
        if networks[name].get("IPAddress"):
            return networks[name]
    return {}


def primary_ip(info):
    return info["NetworkSettings"].get("IPAddress") or _first_network(info).get("IPAddress")


def primary_gateway(info):
    return info["NetworkSettings"].get("Gateway") or _first_network(info).get("Gateway")


def addresses(info):
    """Per network name: address, gateway, MAC, aliases and the network id."""
    result = {}
    for name, net in (info["NetworkSettings"].get("Networks") or {}).items():
        result[name] = {"ip": net.get("IPAddress") or None,
                        "ipv6": net.get("GlobalIPv6Address") or None,
                        "gateway": net.get("Gateway") or None,
                        "mac": net.get("MacAddress") or None,
                        "aliases": net.get("Aliases") or [],
                        "network_id": net.get("NetworkID")}
    return result


def attached_network_ids(info):
    return {net.get("NetworkID") for net in
            (info["NetworkSettings"].get("Networks") or {}).values()}


def live_properties(info):
    """The in-place-updatable properties as the engine really has them."""
    host = info["HostConfig"]
    policy = host.get("RestartPolicy") or {}
    return {
        "name": info["Name"].lstrip("/"),
        "memory": host.get("Memory") or None,
        "memory_reservation": host.get("MemoryReservation") or None,
        "cpu_shares": host.get("CpuShares") or None,
        "cpu_quota": host.get("CpuQuota") or None,
        "cpu_set": host.get("CpusetCpus") or None,
        "restart_policy": {"Name": policy.get("Name") or "no",
                           "MaximumRetryCount": policy.get("MaximumRetryCount") or 0},
    }


def log_lines(text, count):
    """The last ``count`` non-empty log lines, for failure messages."""
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-count:])
