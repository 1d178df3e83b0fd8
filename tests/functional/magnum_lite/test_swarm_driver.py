"""The swarm-mode driver against three real TLS engines of the testbed (msw1..msw3).

The module adds the engines it needs (``tools/testbed engine add mswN --tls``) and removes
them at the end; no other test uses these names. The main engine never joins a swarm.
magnum_lite's CA is msw1's CA: msw1 is the first manager, whose TLS port is the cluster's
``api_address``, so the real docker CLI reaches the cluster with a certificate it signed.
"""

import contextlib
import os
import subprocess
import time
import types
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from oslo_config import cfg

from magnum_lite import ca
from magnum_lite.drivers import base
from magnum_lite.drivers.swarm_mode import logic
from magnum_lite.drivers.swarm_mode.driver import SwarmModeDriver
from openstack_docker import labels as ownership
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import testbed

NAMES = ("msw1", "msw2", "msw3")


@pytest.fixture(scope="module")
def records():
    with testbed.extra_engines_running(NAMES, tls=True) as running:
        yield running


def _host(record, name):
    tls = record["tls"]
    return base.Host(name=name, endpoint=record["url"], advertise_address=record["address"],
                     ca_cert=tls["ca"], client_cert=tls["cert"], client_key=tls["key"],
                     labels={"rack": name})


@pytest.fixture(scope="module")
def hosts(records):
    return [_host(records[name], name) for name in NAMES]


@pytest.fixture(scope="module")
def engines(hosts):
    return {h.name: Engine(parse_endpoint(h.endpoint, ca_cert=h.ca_cert,
                                          client_cert=h.client_cert,
                                          client_key=h.client_key, timeout=30),
                           owner=logic.OWNER) for h in hosts}


@pytest.fixture
def driver(records):
    conf = cfg.ConfigOpts()
    conf([], project="magnum-lite-functest")
    driver = SwarmModeDriver(conf)
    tls = records["msw1"]["tls"]
    conf.set_override("ca_cert", tls["ca"], "tls")
    conf.set_override("ca_key", tls["ca_key"], "tls")
    conf.set_override("join_timeout", 60, "swarm")
    return driver


@pytest.fixture
def cluster(driver, hosts, engines):
    cluster = types.SimpleNamespace(uuid=str(uuid.uuid4()), name="functest",
                                    project_id="project-" + uuid.uuid4().hex[:6],
                                    labels={"environment": "functest"}, master_count=1,
                                    node_count=2)
    yield cluster
    for name in reversed(NAMES):  # whatever a failed test left: workers first
        with contextlib.suppress(Exception):
            engines[name].leave_swarm(force=True)


def _swarm_states(engines):
    return {name: engine.swarm_state()["LocalNodeState"] for name, engine in engines.items()}


def _client_certificate(driver, cluster, directory):
    """What `openstack coe cluster config --output-certs` writes: magnumclient's CSR
    (RSA 2048, CN=admin), the signed certificate and the CA."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "admin"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters"),
    ])).sign(key, hashes.SHA256())
    pem = csr.public_bytes(serialization.Encoding.PEM).decode()
    (directory / "cert.pem").write_text(driver.sign_certificate(cluster, pem))
    (directory / "ca.pem").write_text(driver.ca_certificate(cluster))
    (directory / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))


def _docker_cli(state, directory, *argv):
    env = {"PATH": os.environ["PATH"], "HOME": str(directory),
           "DOCKER_CONFIG": str(directory / "config"), "DOCKER_HOST": state.api_address,
           "DOCKER_CERT_PATH": str(directory), "DOCKER_TLS_VERIFY": "1"}
    return subprocess.run(["docker", *argv], env=env, capture_output=True, text=True,
                          timeout=60, check=True).stdout


def _wait(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_cluster_lifecycle(driver, cluster, hosts, engines, tmp_path):
    manager, workers = hosts[0], hosts[1:]
    started = time.monotonic()
    state = driver.create(cluster, [manager], workers)
    created_in = time.monotonic() - started
    print(f"\ncreate 1 manager + 2 workers: {created_in:.2f} s")
    assert state.api_address == f"tcp://{manager.advertise_address}:2376"
    assert state.master_addresses == [manager.advertise_address]
    assert [n.healthy for n in state.nodes] == [True, True, True], state.nodes
    nodes = engines["msw1"].swarm_nodes(labels=logic.cluster_selector(cluster))
    assert len(nodes) == 3
    assert all(n["Status"]["State"] == "ready" for n in nodes)
    by_host = {n["Spec"]["Labels"][logic.HOST_LABEL]: n for n in nodes}
    assert sorted(by_host) == list(NAMES)
    for name, node in by_host.items():
        assert node["Spec"]["Labels"]["environment"] == "functest"
        assert node["Spec"]["Labels"]["rack"] == name
        assert node["Spec"]["Labels"][logic.PROJECT_LABEL] == cluster.project_id
        assert node["Spec"]["Labels"][ownership.RESOURCE_ID] == cluster.uuid
    assert by_host["msw1"]["Spec"]["Role"] == "manager"

    # A re-run (a conductor resuming) keeps the cluster as it is.
    again = driver.create(cluster, [manager], workers)
    assert [n.node_id for n in again.nodes] == [n.node_id for n in state.nodes]

    # The real docker CLI, with a certificate signed for a magnumclient-made CSR.
    _client_certificate(driver, cluster, tmp_path)
    listed = _docker_cli(state, tmp_path, "node", "ls", "-q").split()
    print(f"docker node ls over verified TLS: {len(listed)} nodes")
    assert sorted(listed) == sorted(n["ID"] for n in nodes)

    # A single-replica service on a worker; resize removes the worker that runs it.
    service = engines["msw1"].create_service(testbed.image("sleeper"), name="functest-sleep",
                                            resource_id=cluster.uuid,
                                            constraints=["node.role==worker"])

    def running_on():
        tasks = [t for t in engines["msw1"].swarm_tasks(service_id=service,
                                                         desired_state="running")
                 if t["Status"]["State"] == "running"]
        return tasks[0]["NodeID"] if tasks else None

    busy_node = _wait(running_on, "the service's task to run")
    busy = next(h for h in workers if by_host[h.name]["ID"] == busy_node)
    stay = next(h for h in workers if h is not busy)
    started = time.monotonic()
    state = driver.resize(cluster, [manager], [stay], add=[], remove=[busy])
    print(f"resize 3 -> 2 (task moved first): {time.monotonic() - started:.2f} s")
    assert running_on() == by_host[stay.name]["ID"]
    assert len(engines["msw1"].swarm_nodes()) == 2
    assert engines[busy.name].swarm_state()["LocalNodeState"] == "inactive"
    assert [n.host for n in state.nodes] == ["msw1", stay.name]

    # A worker's engine dies: health names it.
    testbed.kill_extra_engine(stay.name)
    try:
        status, reason, statuses = driver.health(cluster, [manager, stay])
        print(f"health with {stay.name} down: {status}: {reason}")
        assert status == base.UNHEALTHY
        assert stay.name in reason
        assert [s.healthy for s in statuses] == [True, False]
    finally:
        testbed.restart_extra_engine(stay.name)
    _wait(lambda: driver.health(cluster, [manager, stay])[0] == base.HEALTHY,
          "the worker to be back")

    # Resize up: the removed host joins again; resize down: that empty node leaves.
    state = driver.resize(cluster, [manager], [stay, busy], add=[busy], remove=[])
    assert [n.healthy for n in state.nodes] == [True, True, True]
    assert len(engines["msw1"].swarm_nodes(labels=logic.cluster_selector(cluster))) == 3
    started = time.monotonic()
    driver.resize(cluster, [manager], [stay], add=[], remove=[busy])
    print(f"resize 3 -> 2 (empty node): {time.monotonic() - started:.2f} s")
    assert running_on() == by_host[stay.name]["ID"]
    assert len(engines["msw1"].swarm_nodes()) == 2

    started = time.monotonic()
    driver.delete(cluster, [manager, stay, busy])
    print(f"delete: {time.monotonic() - started:.2f} s")
    assert set(_swarm_states(engines).values()) == {"inactive"}
    for engine in engines.values():
        assert engine.list_containers(resource_id=cluster.uuid) == []
    # A second delete finds nothing to do.
    driver.delete(cluster, [manager, stay, busy])


def test_host_in_another_swarm_is_refused(driver, cluster, hosts, engines):
    engines["msw2"].init_swarm(hosts[1].advertise_address)
    try:
        with pytest.raises(base.DriverError, match="host msw2 is already in another swarm"):
            driver.create(cluster, [hosts[0]], hosts[1:])
        assert _swarm_states(engines) == {"msw1": "inactive", "msw2": "active",
                                          "msw3": "inactive"}
        # Delete of the cluster leaves the other swarm alone too.
        driver.delete(cluster, hosts)
        assert engines["msw2"].swarm_state()["LocalNodeState"] == "active"
    finally:
        engines["msw2"].leave_swarm(force=True)


def test_engine_dies_during_create_leaves_nothing(driver, cluster, hosts, engines):
    real_factory = driver._engine_factory

    def factory(host):
        engine = real_factory(host)
        if host.name == "msw3":
            real_join = engine.join_swarm

            def join_after_death(*args, **kwargs):
                testbed.kill_extra_engine("msw3")
                return real_join(*args, **kwargs)
            engine.join_swarm = join_after_death
        return engine

    driver._engine_factory = factory
    try:
        with pytest.raises(base.DriverError, match="msw3"):
            driver.create(cluster, [hosts[0]], hosts[1:])
        assert engines["msw1"].swarm_state()["LocalNodeState"] == "inactive"
        assert engines["msw2"].swarm_state()["LocalNodeState"] == "inactive"
    finally:
        testbed.restart_extra_engine("msw3")
    assert engines["msw3"].swarm_state()["LocalNodeState"] == "inactive"


def test_engine_down_before_create_changes_nothing(driver, cluster, hosts, engines):
    testbed.kill_extra_engine("msw2")
    try:
        with pytest.raises(base.DriverError, match="host msw2 unreachable"):
            driver.create(cluster, [hosts[0]], hosts[1:])
    finally:
        testbed.restart_extra_engine("msw2")
    assert set(_swarm_states(engines).values()) == {"inactive"}


def test_bad_csr_is_refused(driver, cluster):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "evil")]))
           .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
           .sign(key, hashes.SHA256()))
    with pytest.raises(ca.CSRError, match="CA certificate"):
        driver.sign_certificate(cluster, csr.public_bytes(serialization.Encoding.PEM).decode())
    with pytest.raises(ca.CSRError, match="not a PEM"):
        driver.sign_certificate(cluster, "-----BEGIN CERTIFICATE REQUEST-----\nxx\n")


def test_lost_manager_quorum_is_unhealthy(driver, cluster, hosts, engines):
    driver.create(cluster, hosts, [])
    assert driver.health(cluster, hosts)[0] == base.HEALTHY
    testbed.kill_extra_engine("msw3")
    try:
        _wait(lambda: any(n["ManagerStatus"]["Reachability"] == "unreachable"
                          for n in engines["msw1"].swarm_nodes()),
              "msw3 to be seen unreachable")
        # Removing msw2 would leave msw1 and the dead msw3: no quorum.
        with pytest.raises(base.DriverError, match="quorum needs 2"):
            driver.resize(cluster, [hosts[0], hosts[2]], [], add=[], remove=[hosts[1]])
        assert engines["msw2"].swarm_state()["ControlAvailable"] is True
        testbed.kill_extra_engine("msw2")
        status, reason = _wait(lambda: (lambda h: h[:2] if "quorum" in h[1] else None)(
            driver.health(cluster, hosts)), "the managers to lose their quorum")
        print(f"\nhealth with 2 of 3 managers down: {status}: {reason}")
        assert status == base.UNHEALTHY
    finally:
        testbed.restart_extra_engine("msw2")
        testbed.restart_extra_engine("msw3")
    _wait(lambda: driver.health(cluster, hosts)[0] == base.HEALTHY, "the quorum to be back")
    driver.delete(cluster, hosts)
    assert set(_swarm_states(engines).values()) == {"inactive"}
