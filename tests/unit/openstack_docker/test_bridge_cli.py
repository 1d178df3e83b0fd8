"""Console script: how it picks Glance auth, and its error output."""

import json

import pytest
from keystoneauth1 import noauth, token_endpoint
from keystoneauth1.identity import generic

from openstack_docker.images.bridge import cli

KEEP = ("OS_AUTH_URL", "OS_AUTH_TYPE", "OS_TOKEN", "OS_IMAGE_URL", "OS_USERNAME")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in KEEP:
        monkeypatch.delenv(name, raising=False)


def _args(argv):
    return cli.build_parser(argv).parse_args(argv)


def test_bare_endpoint_without_token_sends_none():
    args = _args(["list", "--os-image-url", "http://127.0.0.1:9292"])
    assert isinstance(cli._session(args).auth, noauth.NoAuth)


def test_bare_endpoint_with_token(monkeypatch):
    monkeypatch.setenv("OS_TOKEN", "tok")
    args = _args(["list", "--os-image-url", "http://127.0.0.1:9292"])
    auth = cli._session(args).auth
    assert isinstance(auth, token_endpoint.Token) and auth.get_token(None) == "tok"


def test_keystone_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("OS_AUTH_URL", "https://keystone.example/v3")
    monkeypatch.setenv("OS_USERNAME", "demo")
    args = _args(["list"])
    auth = cli._session(args).auth
    assert isinstance(auth, generic.Password) and auth.auth_url == "https://keystone.example/v3"


def test_no_glance_at_all_is_a_clear_error(capsys):
    assert cli.main(["list", "--json"]) == 1
    out, err = capsys.readouterr()
    assert "OS_AUTH_URL" in err and "--os-image-url" in json.loads(out)["error"]


def test_bad_reference_exits_1_naming_it(capsys):
    assert cli.main(["import", "--os-image-url", "http://127.0.0.1:1", "busybox"]) == 1
    assert "reference: 'busybox' names no registry" in capsys.readouterr().err


def test_properties_must_be_key_value():
    assert cli._properties(["a=b", "c=d=e"]) == {"a": "b", "c": "d=e"}
    with pytest.raises(cli.errors.InvalidSpec, match="KEY=VALUE"):
        cli._properties(["novalue"])
