"""The contract between magnum_lite's conductor and its cluster drivers.

``cluster`` arguments are any object with ``uuid``, ``name``, ``project_id``, ``labels``
(dict), ``master_count`` and ``node_count``. Hosts are the operator-registered Docker
hosts (:mod:`magnum_lite.hosts`) the conductor picked for the cluster.
"""

import abc
import dataclasses

HEALTHY = "HEALTHY"
UNHEALTHY = "UNHEALTHY"
UNKNOWN = "UNKNOWN"


@dataclasses.dataclass
class Host:
    """One operator-registered Docker host."""

    name: str
    endpoint: str                 # unix:///path or tcp://host:port
    advertise_address: str        # the IP the other swarm nodes reach it on
    ca_cert: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    labels: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class NodeStatus:
    host: str
    role: str                     # manager | worker
    node_id: str | None
    healthy: bool
    reason: str


@dataclasses.dataclass
class ClusterState:
    api_address: str | None
    master_addresses: list
    node_addresses: list
    nodes: list                   # NodeStatus, one per host


class DriverError(Exception):
    """A cluster operation failed; the message becomes the cluster's status_reason."""


class ClusterDriver(abc.ABC):
    """What the conductor calls; every method may be re-run after an interruption."""

    @abc.abstractmethod
    def create(self, cluster, managers, workers):
        """Make the cluster on these hosts; returns :class:`ClusterState`."""

    @abc.abstractmethod
    def resize(self, cluster, managers, workers, add, remove):
        """``managers``/``workers``: the hosts after the resize; ``add`` join, ``remove``
        leave. Returns :class:`ClusterState`."""

    @abc.abstractmethod
    def delete(self, cluster, hosts):
        """Remove every trace of the cluster from its hosts."""

    @abc.abstractmethod
    def health(self, cluster, hosts):
        """``(HEALTHY|UNHEALTHY|UNKNOWN, reason, [NodeStatus])``."""

    @abc.abstractmethod
    def ca_certificate(self, cluster):
        """PEM of the CA the cluster's engines trust."""

    @abc.abstractmethod
    def sign_certificate(self, cluster, csr_pem):
        """PEM client certificate for a user's CSR; a CSR it refuses is a ``ValueError``
        saying why (the API answers 400 with it)."""
