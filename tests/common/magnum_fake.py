"""A fake cluster driver and host list for magnum_lite tests (the driver contract, no Docker).

Plugged with ``[conductor] driver = tests.common.magnum_fake:FakeDriver`` and
``hosts_loader = tests.common.magnum_fake:load_hosts``. A cluster's labels steer it:
``fake_fail=create|resize|delete|health`` raises, ``fake_sleep=<seconds>`` slows create.
``MAGNUM_FAKE_HOSTS`` sets how many hosts exist (default 6; even ones zone=a, odd zone=b).
"""

import hashlib
import os
import time

from magnum_lite.drivers.base import ClusterState, DriverError, Host, NodeStatus


def load_hosts(conf=None):
    count = int(os.environ.get("MAGNUM_FAKE_HOSTS", "6"))
    return [Host(name=f"host-{i}", endpoint=f"tcp://10.0.0.{i + 10}:2376",
                 advertise_address=f"10.0.0.{i + 10}", labels={"zone": "ab"[i % 2]})
            for i in range(count)]


def _state(managers, workers):
    nodes = ([NodeStatus(h.name, "master", f"node-{h.name}", True, "") for h in managers]
             + [NodeStatus(h.name, "worker", f"node-{h.name}", True, "") for h in workers])
    return ClusterState(
        api_address=f"tcp://{managers[0].advertise_address}:2376" if managers else None,
        master_addresses=[h.advertise_address for h in managers],
        node_addresses=[h.advertise_address for h in workers], nodes=nodes)


class FakeDriver:
    """Records every call in ``calls`` (one process) and answers from the hosts given."""

    def __init__(self):
        self.calls = []

    def _maybe_fail(self, cluster, what):
        if cluster.labels.get("fake_fail") == what:
            raise DriverError(f"fake driver refused to {what} {cluster.name}")

    def create(self, cluster, managers, workers):
        self.calls.append(("create", cluster.uuid, [h.name for h in managers + workers]))
        time.sleep(float(cluster.labels.get("fake_sleep", 0)))
        self._maybe_fail(cluster, "create")
        return _state(managers, workers)

    def resize(self, cluster, managers, workers, add, remove):
        self.calls.append(("resize", cluster.uuid, [h.name for h in add],
                           [h.name for h in remove]))
        self._maybe_fail(cluster, "resize")
        return _state(managers, workers)

    def delete(self, cluster, hosts):
        self.calls.append(("delete", cluster.uuid, [h.name for h in hosts]))
        self._maybe_fail(cluster, "delete")

    def health(self, cluster, hosts):
        self.calls.append(("health", cluster.uuid))
        self._maybe_fail(cluster, "health")
        return "HEALTHY", "all nodes ready", [
            NodeStatus(h.name, "worker", f"node-{h.name}", True, "") for h in hosts]

    def ca_certificate(self, cluster):
        return f"-----BEGIN CERTIFICATE-----\nFAKECA{cluster.uuid}\n-----END CERTIFICATE-----\n"

    def sign_certificate(self, cluster, csr_pem):
        if "BEGIN" not in csr_pem:
            raise ValueError("fake driver: not a PEM certificate signing request")
        digest = hashlib.sha256(csr_pem.encode()).hexdigest()
        return f"-----BEGIN CERTIFICATE-----\nSIGNED{digest}\n-----END CERTIFICATE-----\n"
