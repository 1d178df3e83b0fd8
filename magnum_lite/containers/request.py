"""A Zun create request, checked and normalised (400 naming the field otherwise), and
turned into the swarm service that runs the container."""

import re
import shlex

from magnum_lite.api import errors
from magnum_lite.api.validation import Field, invalid
from magnum_lite.drivers.swarm_mode import logic
from openstack_docker import labels as ownership
from openstack_docker import parsing
from openstack_docker.api.swarm import ServiceSpec
from openstack_docker.errors import InvalidSpec

NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
CONTAINER_LABEL = ownership.PREFIX + "zun-container"
RESTART_POLICIES = {"no": "none", "on-failure": "on-failure", "always": "any",
                    "unless-stopped": "any"}
MIB = 1024 * 1024
# Accepted as zunclient sends them, and refused when they ask for what a tenant must not
# have or this service does not do.
UNSUPPORTED = {
    "privileged": "privileged containers are not allowed on shared clusters",
    "mounts": "volumes are not supported; leave mounts empty",
    "nets": "containers join their project's overlay network of the cluster; leave nets "
            "empty",
    "security_groups": "security groups are not supported; leave them empty",
    "host": "the node is chosen by swarm; use --hint cluster=NAME to choose the cluster",
    "registry": "private registries are not supported; use an image the cluster's "
                "engines can pull",
    "auto_remove": "a container stays (a swarm service) until it is deleted; run without "
                   "--auto-remove and delete it when done",
}
IGNORED = ("availability_zone", "runtime", "disk", "image_driver", "auto_heal")

FIELDS = {
    "name": Field("str", pattern=NAME_RE),
    "image": Field("str", mandatory=True),
    "workdir": Field("str"),
    "hostname": Field("str", max_length=63),
    "image_pull_policy": Field("str", choices=("ifnotpresent", "always", "never")),
    "environment": Field("dict", default=dict),
    "labels": Field("dict", default=dict),
    "hints": Field("dict", default=dict),
    "auto_remove": Field("bool", default=False),
    "interactive": Field("bool", default=False),
    "tty": Field("bool", default=False),
}


def _command(name, value):
    if value is None:
        return None
    if isinstance(value, str):
        return shlex.split(value) or None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value or None
    raise invalid(name, value, "Wrong type. Expected a list of strings or a string")


def cpu(value):
    if value is None:
        return None
    try:
        cpu = float(value)
    except (TypeError, ValueError):
        raise invalid("cpu", value, "Wrong type. Expected a number of CPUs") from None
    if not 0 < cpu <= 1024:
        raise invalid("cpu", value, "Value should be greater than 0 and at most 1024")
    return cpu


def memory(value):
    """Zun's memory: MiB as a number or string (``512``, ``512M``), stored as ``512M``."""
    if value is None:
        return None
    text = str(value).strip().upper().removesuffix("M")
    if not text.isdigit() or int(text) < 6:
        raise invalid("memory", value, "Expected a whole number of MiB, at least 6 "
                                       "(the engine's minimum)")
    return f"{int(text)}M"


def _restart_policy(value):
    if not value:
        return None
    if not isinstance(value, dict) or value.get("Name") not in RESTART_POLICIES:
        raise invalid("restart_policy", value, "Expected {'Name': one of "
                      + ", ".join(RESTART_POLICIES) + ", 'MaximumRetryCount': N}")
    retries = Field("int", minimum=0, default=0).check(
        "restart_policy.MaximumRetryCount", value.get("MaximumRetryCount"))
    if retries and value["Name"] != "on-failure":
        raise invalid("restart_policy", value, "MaximumRetryCount needs Name on-failure")
    return {"Name": value["Name"], "MaximumRetryCount": str(retries)}


def _exposed_ports(value):
    if not value:
        return {}
    if not isinstance(value, dict):
        raise invalid("exposed_ports", value, "Expected {'PORT/PROTOCOL': {}}")
    ports = {}
    for key in value:
        port, _, protocol = str(key).partition("/")
        protocol = protocol or "tcp"
        if not port.isdigit() or not 0 < int(port) < 65536 or protocol not in ("tcp", "udp"):
            raise invalid("exposed_ports", value,
                          f"{key!r}: expected PORT or PORT/tcp or PORT/udp, 1-65535")
        ports[f"{int(port)}/{protocol}"] = {}
    return ports


def _healthcheck(value):
    """Zun's {cmd, interval, retries, timeout} (seconds) checked by the shared parser."""
    if not value:
        return None
    if not isinstance(value, dict) or not value.get("cmd"):
        raise invalid("healthcheck", value, "Expected {'cmd': ..., 'interval': s, "
                                            "'retries': n, 'timeout': s}")
    unknown = set(value) - {"cmd", "interval", "retries", "timeout"}
    if unknown:
        raise invalid("healthcheck", value, f"unknown keys {sorted(unknown)}")
    try:
        parsing.healthcheck({"test": value["cmd"], **{k: value[k] for k in
                             ("interval", "retries", "timeout") if value.get(k) is not None}})
    except InvalidSpec as exc:
        raise invalid("healthcheck", value, str(exc)) from None
    return {k: value[k] for k in ("cmd", "interval", "retries", "timeout") if k in value}


def check(body):
    """The validated create request: ``(columns, spec)`` for the container's row."""
    if not isinstance(body, dict):
        raise errors.BadRequest("Invalid input for argument container: a JSON object is "
                                "required.")
    known = set(FIELDS) | set(UNSUPPORTED) | set(IGNORED) | {
        "command", "entrypoint", "cpu", "memory", "restart_policy", "exposed_ports",
        "healthcheck"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise errors.BadRequest(f"Additional properties are not allowed ({', '.join(unknown)} "
                                "were unexpected)")
    for key, why in UNSUPPORTED.items():
        if body.get(key):
            raise errors.BadRequest(f"Invalid input for field/attribute {key}: {why}.")
    values = {name: field.check(name, body.get(name)) for name, field in FIELDS.items()}
    reserved = ownership.reserved_keys(values["labels"])
    if reserved:
        raise invalid("labels", values["labels"],
                      f"keys starting with {ownership.PREFIX} are reserved: "
                      + ", ".join(reserved))
    if values["workdir"] and not values["workdir"].startswith("/"):
        raise invalid("workdir", values["workdir"], "Expected an absolute path")
    columns = {"name": values["name"], "image": values["image"],
               "command": _command("command", body.get("command")),
               "cpu": cpu(body.get("cpu")), "memory": memory(body.get("memory")),
               "auto_remove": values["auto_remove"]}
    spec = {"environment": values["environment"], "labels": values["labels"],
            "workdir": values["workdir"], "hostname": values["hostname"],
            "image_pull_policy": values["image_pull_policy"] or "ifnotpresent",
            "interactive": values["interactive"], "tty": values["tty"],
            "entrypoint": _command("entrypoint", body.get("entrypoint")),
            "restart_policy": _restart_policy(body.get("restart_policy")),
            "exposed_ports": _exposed_ports(body.get("exposed_ports")),
            "healthcheck": _healthcheck(body.get("healthcheck")),
            "hints": values["hints"]}
    return columns, spec


def _restart(policy):
    """Swarm's restart condition: Zun's policy; by default on-failure, so that a task
    lost with its node is rescheduled while a command that completes stays Stopped."""
    if not policy:
        return "on-failure", 0
    return RESTART_POLICIES[policy["Name"]], int(policy.get("MaximumRetryCount") or 0)


def container_labels(row):
    """Labels that say whose the service is: the cluster (so a cluster delete removes
    it), the project and the container."""
    return {logic.PROJECT_LABEL: row.project_id, CONTAINER_LABEL: row.uuid}


def service_spec(row, image_ref, network_id, replicas):
    spec = row.spec or {}
    health = spec.get("healthcheck")
    healthcheck = parsing.healthcheck({"test": health["cmd"], **{
        k: health[k] for k in ("interval", "retries", "timeout") if health.get(k)
        is not None}}) if health else None
    condition, attempts = _restart(spec.get("restart_policy"))
    ports = []
    for key in spec.get("exposed_ports") or {}:
        port, _, protocol = key.partition("/")
        ports.append((int(port), None, protocol))
    return ServiceSpec(
        image=image_ref, command=spec.get("entrypoint"), args=row.command,
        env=spec.get("environment") or None, workdir=spec.get("workdir"),
        hostname=spec.get("hostname") or row.name[:63],
        labels={**(spec.get("labels") or {}), **container_labels(row)},
        networks=[(network_id, [row.name])], ports=ports,
        restart_condition=condition, restart_max_attempts=attempts,
        nano_cpus=int(row.cpu * 1e9) if row.cpu else None,
        memory_bytes=memory_bytes(row.memory), healthcheck=healthcheck,
        replicas=replicas)


def memory_bytes(value):
    return int(value.removesuffix("M")) * MIB if value else None
