"""Properties and attributes of DockerInc::Docker::Container.

Every property of the historic contrib plugin keeps its name and type; the additions
carry a 27.0.0 support status.
"""

from heat.engine import attributes, constraints, properties, support

from heat_docker_plugin.resources.base import ENDPOINT_SCHEMA
from openstack_docker import parsing

Schema = properties.Schema
NEW = support.SupportStatus(version="27.0.0")

PROPERTIES = (
    HOSTNAME, USER, MEMORY, PORT_SPECS, PORT_BINDINGS, LINKS, NAME, PRIVILEGED, TTY,
    OPEN_STDIN, STDIN_ONCE, ENV, CMD, DNS, IMAGE, VOLUMES, VOLUMES_FROM, RESTART_POLICY,
    CAP_ADD, CAP_DROP, READ_ONLY, CPU_SHARES, DEVICES, CPU_SET,
    ENTRYPOINT, WORKING_DIR, LABELS, HEALTHCHECK, NETWORKS, MOUNTS, STOP_SIGNAL,
    STOP_TIMEOUT, IMAGE_PULL_POLICY, REGISTRY_USERNAME, REGISTRY_PASSWORD, CPU_QUOTA,
    MEMORY_RESERVATION, PIDS_LIMIT,
) = (
    "hostname", "user", "memory", "port_specs", "port_bindings", "links", "name",
    "privileged", "tty", "open_stdin", "stdin_once", "env", "cmd", "dns", "image",
    "volumes", "volumes_from", "restart_policy", "cap_add", "cap_drop", "read_only",
    "cpu_shares", "devices", "cpu_set",
    "entrypoint", "working_dir", "labels", "healthcheck", "networks", "mounts",
    "stop_signal", "stop_timeout", "image_pull_policy", "registry_username",
    "registry_password", "cpu_quota", "memory_reservation", "pids_limit",
)

#: Changed on the running container, keeping its id.
UPDATE_IN_PLACE = (NAME, MEMORY, MEMORY_RESERVATION, CPU_SHARES, CPU_QUOTA, CPU_SET,
                   RESTART_POLICY, NETWORKS)

#: Limits the engine can change but not remove: dropping one replaces the container.
LIMITS = (MEMORY, MEMORY_RESERVATION, CPU_SHARES, CPU_QUOTA, CPU_SET)

PULL_POLICIES = ("always", "ifnotpresent", "never")

_CAPS = ", ".join(sorted(parsing.CAPABILITIES))


def _str(description, **kw):
    return Schema(Schema.STRING, description, **kw)


def _list(description, **kw):
    return Schema(Schema.LIST, description, **kw)


def _bool(description, **kw):
    return Schema(Schema.BOOLEAN, description, default=False, **kw)


properties_schema = {
    **ENDPOINT_SCHEMA,
    HOSTNAME: _str("Hostname of the container.", default=""),
    USER: _str("Username or UID (optionally :group) the command runs as.", default=""),
    MEMORY: Schema(Schema.INTEGER, "Memory limit in bytes (at least 6 MiB; default and "
                   "maximum: heat.conf [docker_plugin] default_memory_mb, max_memory_mb). "
                   "Updated in place.", update_allowed=True),
    PORT_SPECS: _list("Container ports to expose: PORT[/tcp|udp|sctp]. Published ones go "
                      "in port_bindings."),
    PORT_BINDINGS: Schema(Schema.MAP, "Published ports: {CONTAINER_PORT[/PROTO]: HOST} "
                          "where HOST is a port, 'IP:PORT', {HostIp, HostPort} or a list "
                          "of those."),
    LINKS: Schema(Schema.MAP, "Legacy links to other containers of this stack: "
                  "{NAME_OR_ID: ALIAS}."),
    NAME: _str("Name of the container (default: the Heat physical resource name). "
               "Renamed in place.", update_allowed=True),
    PRIVILEGED: _bool("Extended privileges; refused unless heat.conf [docker_plugin] "
                      "allow_privileged."),
    TTY: _bool("Allocate a pseudo-tty."),
    OPEN_STDIN: _bool("Keep stdin open."),
    STDIN_ONCE: _bool("Close stdin after the first attached client disconnects."),
    ENV: _list("Environment variables, each KEY=VALUE."),
    CMD: _list("Command to run (replaces the image's CMD).", default=[]),
    DNS: _list("DNS server IP addresses."),
    IMAGE: _str("Image reference, e.g. 127.0.0.1:5000/app:1.0.", required=True),
    VOLUMES: Schema(Schema.MAP, "{PATH: {}} makes an anonymous volume at PATH; "
                    "{HOST_PATH: CONTAINER_PATH} or {HOST_PATH: {bind: PATH, ro: true}} "
                    "bind-mounts a host path allowed by [docker_plugin] allowed_host_paths.",
                    default={}),
    VOLUMES_FROM: _list("Containers of this stack whose volumes to mount.", default=[]),
    RESTART_POLICY: Schema(
        Schema.MAP, "Restart policy. Updated in place.",
        schema={
            "Name": _str("no, on-failure, always or unless-stopped.", default="no",
                         constraints=[constraints.AllowedValues(
                             list(parsing.RESTART_POLICIES))]),
            "MaximumRetryCount": Schema(Schema.INTEGER, "Retries for on-failure.",
                                        default=0),
        },
        default={}, update_allowed=True),
    CAP_ADD: _list(f"Capabilities to add (allowed by [docker_plugin] allowed_capabilities):"
                   f" {_CAPS}.", default=[]),
    CAP_DROP: _list(f"Capabilities to drop: {_CAPS}.", default=[]),
    READ_ONLY: _bool("Mount the root filesystem read-only."),
    CPU_SHARES: Schema(Schema.INTEGER, "Relative CPU weight (2..262144). Updated in place.",
                       default=0, update_allowed=True),
    DEVICES: _list(
        "Host devices to map (allowed by [docker_plugin] allowed_devices).",
        schema=Schema(Schema.MAP, schema={
            "path_on_host": _str("Device path on the host.", required=True),
            "path_in_container": _str("Device path in the container (default: same)."),
            "permissions": _str("Combination of r, w, m.", default="rwm"),
        }), default=[]),
    CPU_SET: _str("CPUs the container may use, e.g. 0-1. Updated in place.",
                  update_allowed=True),
    ENTRYPOINT: _list("Entrypoint (replaces the image's).", support_status=NEW),
    WORKING_DIR: _str("Working directory (absolute path).", support_status=NEW),
    LABELS: Schema(Schema.MAP, "Labels on the container.", support_status=NEW),
    HEALTHCHECK: Schema(
        Schema.MAP, "Healthcheck; create completes once it reports healthy.",
        schema={
            "test": _list("['CMD', ...] or ['CMD-SHELL', 'command'].", required=True),
            "interval": _str("Duration such as 5s or 1m30s."),
            "timeout": _str("Duration."),
            "start_period": _str("Duration."),
            "retries": Schema(Schema.INTEGER, "Failures before unhealthy."),
        }, support_status=NEW),
    NETWORKS: _list(
        "DockerInc::Docker::Network resources of this stack (or the engine's default "
        "'bridge') to join. Attached and detached in place.",
        schema=Schema(Schema.MAP, schema={
            "network": _str("Network id or name (get_resource of a Network).",
                            required=True),
            "aliases": _list("DNS aliases of the container on this network."),
            "ipv4_address": _str("Fixed IPv4 address on the network's subnet."),
        }), update_allowed=True, support_status=NEW),
    MOUNTS: _list(
        "DockerInc::Docker::Volume resources of this stack to mount.",
        schema=Schema(Schema.MAP, schema={
            "volume": _str("Volume name (get_resource of a Volume).", required=True),
            "target": _str("Absolute path in the container.", required=True),
            "read_only": _bool("Mount read-only."),
        }), support_status=NEW),
    STOP_SIGNAL: _str("Signal that stops the container (default SIGTERM).",
                      support_status=NEW),
    STOP_TIMEOUT: Schema(Schema.INTEGER, "Seconds between the stop signal and SIGKILL "
                         "(default 10).", constraints=[constraints.Range(min=0)],
                         support_status=NEW),
    IMAGE_PULL_POLICY: _str("always: pull at every create; ifnotpresent: pull when the "
                            "engine lacks the image; never: only use a present image. "
                            "Default: always with registry_username, else ifnotpresent. "
                            "heat.conf [docker_plugin] always_pull makes it always.",
                            constraints=[constraints.AllowedValues(list(PULL_POLICIES))],
                            support_status=NEW),
    REGISTRY_USERNAME: _str("User for pulling from a registry that needs authentication.",
                            support_status=NEW),
    REGISTRY_PASSWORD: _str("Password of registry_username; pass it from a hidden parameter.",
                            support_status=NEW),
    CPU_QUOTA: Schema(Schema.INTEGER, "CPU microseconds per 100 ms period (1000 = 1% of "
                      "a CPU; default and maximum: heat.conf [docker_plugin] default_cpus, "
                      "max_cpus). Updated in place.", update_allowed=True, support_status=NEW),
    MEMORY_RESERVATION: Schema(Schema.INTEGER, "Soft memory limit in bytes. Updated in "
                               "place.", update_allowed=True, support_status=NEW),
    PIDS_LIMIT: Schema(Schema.INTEGER, "Most processes the container may run (default: "
                       "heat.conf [docker_plugin] default_pids_limit).",
                       support_status=NEW),
}

ATTRIBUTES = (
    INFO, NETWORK_INFO, NETWORK_IP, NETWORK_GATEWAY, NETWORK_TCP_PORTS, NETWORK_UDP_PORTS,
    LOGS, LOGS_HEAD, LOGS_TAIL, ADDRESSES,
) = (
    "info", "network_info", "network_ip", "network_gateway", "network_tcp_ports",
    "network_udp_ports", "logs", "logs_head", "logs_tail", "addresses",
)

_A = attributes.Schema


def _live(description, **kw):
    """Attributes read the engine every time: logs grow, addresses follow updates, and a
    value resolved before the container existed must not stick."""
    return _A(description, cache_mode=_A.CACHE_NONE, **kw)


attributes_schema = {
    INFO: _live("The engine's inspect data of the container.", type=_A.MAP),
    NETWORK_INFO: _live("NetworkSettings, with TcpPorts and UdpPorts.", type=_A.MAP),
    NETWORK_IP: _live("IP address (default bridge, else the first network).", type=_A.STRING),
    NETWORK_GATEWAY: _live("Gateway of that address.", type=_A.STRING),
    NETWORK_TCP_PORTS: _live("Published TCP host ports, comma-separated.", type=_A.STRING),
    NETWORK_UDP_PORTS: _live("Published UDP host ports, comma-separated.", type=_A.STRING),
    LOGS: _live("Container logs (stdout and stderr) as text.", type=_A.STRING),
    LOGS_HEAD: _live("First line of the logs.", type=_A.STRING),
    LOGS_TAIL: _live("Last line of the logs.", type=_A.STRING),
    ADDRESSES: _live("Per network name: ip, ipv6, gateway, mac, aliases, network_id.",
                  type=_A.MAP, support_status=NEW),
}
