"""One description of a container, turned into docker SDK arguments in one place.

The Nova driver (flavor, image properties, metadata), the Heat resources (template
properties) and magnum_lite (API requests) all fill a :class:`ContainerSpec`. Building it
validates and normalises every field, so a bad value fails with
:class:`~openstack_docker.errors.InvalidSpec` before any engine is contacted.
"""

import dataclasses

import docker.types

from openstack_docker import labels as ownership_labels
from openstack_docker import parsing
from openstack_docker.errors import InvalidSpec

#: The engine refuses memory limits below 6 MiB.
MIN_MEMORY = 6 * 1024 * 1024


@dataclasses.dataclass
class NetworkAttachment:
    """A user-defined network to join, with optional aliases and fixed addresses."""

    network: str
    aliases: list = dataclasses.field(default_factory=list)
    ipv4_address: str | None = None
    ipv6_address: str | None = None

    def endpoint_config(self, api):
        return api.create_endpoint_config(aliases=self.aliases or None,
                                          ipv4_address=self.ipv4_address,
                                          ipv6_address=self.ipv6_address)


@dataclasses.dataclass
class ContainerSpec:
    """Everything needed to create a container; fields are normalised on construction."""

    image: str
    command: object = None
    entrypoint: object = None
    env: object = None
    links: object = None
    binds: object = None
    volumes: object = None
    mounts: object = None
    ports: object = None
    memory: object = None
    memory_reservation: object = None
    memory_swap: object = None
    cpu_shares: object = None
    cpu_quota: object = None
    cpu_period: object = None
    cpuset_cpus: object = None
    pids_limit: object = None
    restart_policy: object = None
    healthcheck: object = None
    labels: object = None
    hostname: str | None = None
    user: str | None = None
    working_dir: str | None = None
    privileged: bool = False
    cap_add: object = None
    cap_drop: object = None
    devices: object = None
    dns: object = None
    dns_search: object = None
    tty: bool = False
    stdin_open: bool = False
    stdin_once: bool = False
    read_only: bool = False
    volumes_from: object = None
    network_mode: str | None = None
    networks: object = None
    stop_signal: str | None = None
    stop_timeout: object = None
    mac_address: str | None = None
    storage_opt: object = None

    def __post_init__(self):
        if not isinstance(self.image, str) or not self.image.strip() or " " in self.image:
            raise InvalidSpec("image", f"{self.image!r} is not an image reference",
                              "use REPOSITORY[:TAG] or REPOSITORY@DIGEST")
        self.command = parsing.command("command", self.command)
        self.entrypoint = parsing.command("entrypoint", self.entrypoint)
        self.env = parsing.environment(self.env)
        self.links = parsing.links(self.links)
        self.binds = parsing.binds(self.binds)
        self.volumes = [parsing.absolute_path("volumes", v)
                        for v in parsing.string_list("volumes", self.volumes)]
        self.mounts = parsing.named_mounts(self.mounts)
        self.ports = parsing.ports(self.ports)
        self.memory = parsing.byte_size("memory", self.memory, MIN_MEMORY)
        self.memory_reservation = parsing.byte_size("memory_reservation",
                                                    self.memory_reservation)
        self.memory_swap = self._memory_swap(self.memory_swap)
        self.cpu_shares = parsing.integer("cpu_shares", self.cpu_shares, minimum=2,
                                          maximum=262144)
        self.cpu_period = parsing.integer("cpu_period", self.cpu_period, minimum=1000,
                                          maximum=1000000)
        self.cpu_quota = parsing.integer("cpu_quota", self.cpu_quota, minimum=1000)
        self.cpuset_cpus = parsing.cpuset(self.cpuset_cpus)
        self.pids_limit = parsing.integer("pids_limit", self.pids_limit, minimum=1)
        self.restart_policy = parsing.restart_policy(self.restart_policy)
        self.healthcheck = parsing.healthcheck(self.healthcheck)
        self.labels = parsing.labels("labels", self.labels)
        reserved = ownership_labels.reserved_keys(self.labels)
        if reserved:
            raise InvalidSpec("labels", f"{reserved} use the reserved prefix "
                              f"{ownership_labels.PREFIX!r}", "choose other label keys")
        self.hostname = parsing.hostname(self.hostname)
        if self.working_dir:
            self.working_dir = parsing.absolute_path("working_dir", self.working_dir)
        self.cap_add = parsing.capabilities("cap_add", self.cap_add)
        self.cap_drop = parsing.capabilities("cap_drop", self.cap_drop)
        self.devices = parsing.devices(self.devices)
        self.dns = parsing.ip_list("dns", self.dns)
        self.dns_search = parsing.string_list("dns_search", self.dns_search)
        self.volumes_from = parsing.string_list("volumes_from", self.volumes_from)
        self.networks = self._networks(self.networks)
        if self.networks and self.network_mode in ("none", "host"):
            raise InvalidSpec("networks", f"cannot join networks with network_mode "
                              f"{self.network_mode!r}", "drop one of the two")
        self.stop_timeout = parsing.integer("stop_timeout", self.stop_timeout, minimum=0)
        self.storage_opt = parsing.labels("storage_opt", self.storage_opt) or None
        self.mac_address = parsing.mac_address(self.mac_address)
        for flag in ("privileged", "tty", "stdin_open", "stdin_once", "read_only"):
            if not isinstance(getattr(self, flag), bool):
                raise InvalidSpec(flag, f"{getattr(self, flag)!r} is not true or false")

    def _memory_swap(self, value):
        if value in (None, -1, "-1"):
            return None if value is None else -1
        swap = parsing.byte_size("memory_swap", value)
        if self.memory is None or swap < self.memory:
            raise InvalidSpec("memory_swap", "must be at least the memory limit",
                              "set memory too, or use -1 for unlimited swap")
        return swap

    @staticmethod
    def _networks(value):
        if not value:
            return []
        if isinstance(value, dict):
            value = [{"network": k, **(v or {})} for k, v in value.items()]
        result = []
        for entry in value:
            if isinstance(entry, str):
                entry = {"network": entry}
            if not isinstance(entry, dict) or not entry.get("network"):
                raise InvalidSpec("networks", f"{entry!r} names no network")
            network = str(entry["network"])
            if network in ("host", "none") or network.startswith("container:"):
                raise InvalidSpec("networks", f"{network!r} is a network mode, not a network",
                                  "name a user-defined network (network_mode sets modes)")
            result.append(NetworkAttachment(
                network=network,
                aliases=parsing.string_list("networks.aliases", entry.get("aliases")),
                ipv4_address=entry.get("ipv4_address") or None,
                ipv6_address=entry.get("ipv6_address") or None,
            ))
        return result

    def host_config(self, api):
        """The HostConfig for create time (the engine rejects config at start since 1.24)."""
        mounts = [docker.types.Mount(target, source, type="volume", read_only=read_only)
                  for source, target, read_only in self.mounts]
        return api.create_host_config(
            binds=self.binds or None,
            port_bindings={k: v for k, v in self.ports.items() if v != [None]} or None,
            links=self.links or None,
            privileged=self.privileged,
            dns=self.dns or None,
            dns_search=self.dns_search or None,
            volumes_from=self.volumes_from or None,
            network_mode=self.network_mode or
            (self.networks[0].network if self.networks else None),
            restart_policy=self.restart_policy,
            cap_add=self.cap_add or None,
            cap_drop=self.cap_drop or None,
            devices=self.devices or None,
            read_only=self.read_only or None,
            mem_limit=self.memory,
            mem_reservation=self.memory_reservation,
            memswap_limit=self.memory_swap,
            cpu_shares=self.cpu_shares,
            cpu_quota=self.cpu_quota,
            cpu_period=self.cpu_period,
            cpuset_cpus=self.cpuset_cpus,
            pids_limit=self.pids_limit,
            storage_opt=self.storage_opt,
            mounts=mounts or None,
        )

    def container_config(self, api, owner=None, resource_id=None):
        """The body of ``POST /containers/create`` (for ``create_container_from_config``).

        Only the first user-defined network can be joined at create time on API 1.41;
        :meth:`Engine.create_container` connects the others before start.
        """
        labels = dict(self.labels)
        if owner:
            labels.update(ownership_labels.ownership(owner, resource_id))
        networking = None
        if self.networks:
            first = self.networks[0]
            networking = api.create_networking_config(
                {first.network: first.endpoint_config(api)})
        config = api.create_container_config(
            image=self.image,
            command=self.command,
            entrypoint=self.entrypoint,
            environment=self.env or None,
            hostname=self.hostname,
            user=self.user,
            working_dir=self.working_dir,
            detach=True,
            tty=self.tty,
            stdin_open=self.stdin_open,
            ports=[tuple(key.split("/")) for key in self.ports] or None,
            volumes=self.volumes or None,
            labels=labels or None,
            healthcheck=self.healthcheck,
            stop_signal=self.stop_signal,
            stop_timeout=self.stop_timeout,
            mac_address=self.mac_address,
            networking_config=networking,
            host_config=self.host_config(api),
        )
        config["StdinOnce"] = self.stdin_once
        return config
