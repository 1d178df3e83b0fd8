"""Endpoint and TLS parsing: every malformed input names its field."""

import pytest

from openstack_docker.endpoint import is_loopback_host, parse_endpoint
from openstack_docker.errors import InvalidSpec


@pytest.fixture
def pem(tmp_path):
    paths = {}
    for name in ("ca", "cert", "key"):
        path = tmp_path / f"{name}.pem"
        path.write_text("-----BEGIN-----\n")
        paths[name] = str(path)
    return paths


def test_default_is_local_socket():
    endpoint = parse_endpoint()
    assert endpoint.url == "unix:///var/run/docker.sock"
    assert endpoint.tls is None
    assert endpoint.api_version == "auto"


@pytest.mark.parametrize("url, expected", [
    ("unix:///run/docker.sock", "unix:///run/docker.sock"),
    ("tcp://10.0.0.5:2375", "tcp://10.0.0.5:2375"),
    ("http://host.example:2375", "tcp://host.example:2375"),
    ("tcp://[::1]:2375", "tcp://[::1]:2375"),
    ("TCP://Host:2375/", "tcp://host:2375"),
])
def test_urls_are_normalised(url, expected):
    assert parse_endpoint(url).url == expected


@pytest.mark.parametrize("url", [
    "", "docker.sock", "unix://relative.sock", "ftp://host:21", "tcp://host",
    "tcp://host:99999", "tcp://:2375", "tcp://host:2375/path", "tcp://host:port",
])
def test_malformed_endpoint_names_the_field(url):
    with pytest.raises(InvalidSpec) as caught:
        parse_endpoint(url)
    assert caught.value.field == "docker_endpoint"
    assert "docker_endpoint" in str(caught.value)


def test_tls_is_verified_by_default(pem):
    endpoint = parse_endpoint("tcp://127.0.0.1:2376", ca_cert=pem["ca"],
                              client_cert=pem["cert"], client_key=pem["key"])
    assert endpoint.tls.verify is True
    assert endpoint.tls.ca_cert == pem["ca"]
    assert endpoint.base_url == "https://127.0.0.1:2376"


def test_https_scheme_means_tls(pem):
    endpoint = parse_endpoint("https://127.0.0.1:2376", ca_cert=pem["ca"])
    assert endpoint.tls is not None
    assert endpoint.url == "tcp://127.0.0.1:2376"


def test_tls_without_ca_must_opt_out_of_verification(pem):
    with pytest.raises(InvalidSpec, match="ca_cert"):
        parse_endpoint("tcp://127.0.0.1:2376", client_cert=pem["cert"],
                       client_key=pem["key"])
    endpoint = parse_endpoint("tcp://127.0.0.1:2376", client_cert=pem["cert"],
                              client_key=pem["key"], verify=False)
    assert endpoint.tls.verify is False


def test_missing_cert_file_names_the_field(pem):
    with pytest.raises(InvalidSpec) as caught:
        parse_endpoint("tcp://127.0.0.1:2376", ca_cert="/nonexistent/ca.pem")
    assert caught.value.field == "ca_cert"
    assert "/nonexistent/ca.pem" in str(caught.value)


def test_cert_needs_key(pem):
    with pytest.raises(InvalidSpec, match="client_key"):
        parse_endpoint("tcp://127.0.0.1:2376", ca_cert=pem["ca"], client_cert=pem["cert"])


def test_tls_refused_on_unix_socket(pem):
    with pytest.raises(InvalidSpec, match="only to tcp"):
        parse_endpoint("unix:///var/run/docker.sock", ca_cert=pem["ca"])


@pytest.mark.parametrize("kwargs, field", [
    ({"api_version": "latest"}, "api_version"),
    ({"timeout": 0}, "timeout"),
    ({"timeout": "soon"}, "timeout"),
])
def test_bad_client_settings(kwargs, field):
    with pytest.raises(InvalidSpec) as caught:
        parse_endpoint(**kwargs)
    assert caught.value.field == field


def test_plain_tcp_to_another_host_is_warned_about(caplog):
    parse_endpoint("tcp://10.0.0.5:2375")
    parse_endpoint("tcp://127.0.0.1:2375")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "tcp://10.0.0.5:2375 is plain TCP" in warnings[0]


@pytest.mark.parametrize(("host", "loopback"), [
    ("localhost", True), ("127.0.0.1", True), ("127.5.0.9", True), ("::1", True),
    ("10.0.0.1", False), ("reg.example", False), ("", False), (None, False),
])
def test_one_loopback_check(host, loopback):
    assert is_loopback_host(host) is loopback
