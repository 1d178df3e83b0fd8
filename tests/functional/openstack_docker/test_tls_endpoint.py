"""A TLS engine (--tlsverify, certificates generated for the test): no client cert, no entry."""

import pytest

from openstack_docker import errors
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from openstack_docker.spec import ContainerSpec
from tests.common import testbed


@pytest.fixture(scope="module")
def tls_engine():
    with testbed.extra_engine_running("sdtls", tls=True) as record:
        yield record


def test_refused_without_client_certificate(tls_engine):
    endpoint = parse_endpoint(tls_engine["url"], ca_cert=tls_engine["tls"]["ca"], tls=True)
    with pytest.raises(errors.EngineUnreachable):
        Engine(endpoint, owner="functest-tls").ping()


def test_refused_with_wrong_ca(tls_engine, tmp_path):
    other_ca = tmp_path / "ca.pem"
    with open(tls_engine["tls"]["cert"]) as client_cert:  # a certificate, not the CA
        other_ca.write_text(client_cert.read())
    endpoint = parse_endpoint(tls_engine["url"], ca_cert=str(other_ca),
                              client_cert=tls_engine["tls"]["cert"],
                              client_key=tls_engine["tls"]["key"])
    with pytest.raises(errors.EngineUnreachable):
        Engine(endpoint, owner="functest-tls").ping()


def test_plain_tcp_is_refused_by_a_tls_engine(tls_engine):
    with pytest.raises(errors.EngineUnreachable, match="requires TLS"):
        Engine(parse_endpoint(tls_engine["url"], timeout=5), owner="functest-tls").ping()


def test_works_with_client_certificate(tls_engine):
    tls = tls_engine["tls"]
    engine = Engine(parse_endpoint(tls_engine["url"], ca_cert=tls["ca"],
                                   client_cert=tls["cert"], client_key=tls["key"]),
                    owner="functest-tls")
    assert engine.endpoint.tls.verify is True
    container = engine.run(ContainerSpec(image=testbed.image("hello")))
    try:
        engine.wait(container, timeout=30)
        assert engine.logs(container) == "hello from testbed\n"
    finally:
        engine.remove_container(container)
