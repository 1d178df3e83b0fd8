"""magnum_lite.hosts: the operator's host list and the errors that name the field."""

import pytest
from oslo_config import cfg

from magnum_lite import conf as ml_conf
from magnum_lite import hosts


def test_full_entry_and_defaults(tmp_path):
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
    document = {"hosts": [
        {"name": "d1", "endpoint": "tcp://10.0.0.5:2376", "ca_cert": str(tmp_path / "ca.pem"),
         "client_cert": str(tmp_path / "cert.pem"), "client_key": str(tmp_path / "key.pem"),
         "labels": {"zone": "a", "ssd": True}},
        {"name": "d2", "endpoint": "unix:///run/d2.sock", "advertise_address": "10.0.0.6"},
    ]}
    first, second = hosts.parse(document)
    assert first.advertise_address == "10.0.0.5"
    assert first.labels == {"zone": "a", "ssd": "True"}
    assert first.ca_cert.endswith("ca.pem")
    assert second.endpoint == "unix:///run/d2.sock"
    assert second.ca_cert is None and second.labels == {}


@pytest.mark.parametrize("document, field", [
    ([], "hosts: expected a non-empty list"),
    ([{"endpoint": "tcp://10.0.0.5:2375"}], r"hosts\[0\].name"),
    ([{"name": "a", "endpoint": "ftp://x"}], r"hosts\[0\].endpoint: unsupported scheme"),
    ([{"name": "a", "endpoint": "unix:///s"}], r"hosts\[0\].advertise_address"),
    ([{"name": "a", "endpoint": "tcp://docker1:2375"}], r"hosts\[0\].advertise_address"),
    ([{"name": "a", "endpoint": "tcp://10.0.0.1:2376", "ca_cert": "/nonexistent"}],
     r"hosts\[0\].ca_cert: file"),
    ([{"name": "a", "endpoint": "tcp://10.0.0.1:2375", "color": "red"}],
     r"hosts\[0\].color: unknown field"),
    ([{"name": "a", "endpoint": "tcp://10.0.0.1:2375", "labels": ["x"]}],
     r"hosts\[0\].labels"),
    ([{"name": "a", "endpoint": "tcp://10.0.0.1:2375"},
      {"name": "a", "endpoint": "tcp://10.0.0.2:2375"}], r"hosts\[1\].name: 'a' is already"),
])
def test_errors_name_the_field(document, field):
    with pytest.raises(hosts.HostsError, match=field):
        hosts.parse(document)


def test_load_from_the_configured_file(tmp_path):
    path = tmp_path / "hosts.yaml"
    path.write_text("- name: d1\n  endpoint: tcp://10.0.0.5:2375\n")
    conf = cfg.ConfigOpts()
    ml_conf.register_opts(conf)
    conf([], project="magnum-lite-test")
    with pytest.raises(hosts.HostsError, match=r"\[hosts\] hosts_file: not set"):
        hosts.load(conf)
    conf.set_override("hosts_file", str(path), "hosts")
    assert [h.name for h in hosts.load(conf)] == ["d1"]
    path.write_text("hosts: [\n")
    with pytest.raises(hosts.HostsError, match="not valid YAML"):
        hosts.load(conf)
