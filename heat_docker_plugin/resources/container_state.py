"""Reading a container's inspect data: readiness, attributes and live properties.

Pure functions over the engine's ``inspect`` answer, so the resource class stays about
the Heat life cycle and these rules are unit-testable without an engine.
"""

PENDING, READY, FAILED = "pending", "ready", "failed"


def state_outcome(info):
    """Whether a container is READY (running, or exited 0), still PENDING, or FAILED (and
    why), from its current state alone: the rule of ``stack check``.

    A container that exited 0 did its job (one-shot): READY. One that exited non-zero, or
    is being restarted after a non-zero exit, or whose healthcheck says unhealthy FAILED.
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


def create_outcome(info, settled):
    """The outcome of a container being created, which must fail AT ONCE if it cannot
    stay up, not at the stack timeout.

    Two rules make this independent of when Heat happens to look:

    * a restart during create is a failure. A restart policy hides exits: between two
      restarts the engine shows the container running with exit code 0, so a look at
      that moment would see a healthy container (RestartCount does not hide it);
    * a running container without a healthcheck is READY only once ``settled`` (running
      for a moment since its start), so a process that dies at once is seen dying.
    """
    restarts = info.get("RestartCount") or 0
    if restarts:
        code = info["State"].get("ExitCode")
        last = f", last exit code {code}" if code else ""
        return FAILED, (f"keeps exiting: restarted {restarts} time(s) by its restart "
                        f"policy during create{last}")
    outcome, reason = state_outcome(info)
    state = info["State"]
    healthy = (state.get("Health") or {}).get("Status") == "healthy"
    if outcome == READY and state.get("Running") and not healthy and not settled:
        return PENDING, None
    return outcome, reason


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
