"""Engine on a fake SDK client: ownership is checked before every change, errors are
translated once, and removal swallows nothing but "not found" and a concurrent removal."""

from unittest import mock

import pytest
import requests

from openstack_docker import errors, labels
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine, NotOwned
from tests.common.sdk import api_error as _api_error

OURS, THEIRS = "a" * 64, "b" * 64


@pytest.fixture
def engine():
    engine = Engine(parse_endpoint("unix:///nonexistent.sock", api_version="1.41"),
                    owner="nova")
    client = engine._sdk = mock.Mock()
    owners = {OURS: labels.ownership("nova"), THEIRS: {labels.OWNER: "heat"}}

    def inspect(container):
        if container not in owners:
            raise _api_error(404, f"No such container: {container}")
        return {"Id": container, "Config": {"Labels": owners[container]}}

    client.inspect_container.side_effect = inspect
    return engine


CHANGES = [
    ("start", (), "start"),
    ("stop", (), "stop"),
    ("restart", (), "restart"),
    ("kill", ("SIGTERM",), "kill"),
    ("pause", (), "pause"),
    ("unpause", (), "unpause"),
    ("rename", ("new",), "rename"),
    ("update_container", (), "update_container"),
    ("put_archive", ("/", b""), "put_archive"),
    ("commit", (), "commit"),
    ("exec_run", (["true"],), "exec_create"),
    ("connect_network", ("net",), "connect_container_to_network"),
    ("disconnect_network", ("net",), "disconnect_container_from_network"),
    ("remove_container", (), "stop"),
]


@pytest.mark.parametrize("operation, args, sdk_method", CHANGES)
def test_changes_refused_on_containers_of_other_owners(engine, operation, args,
                                                       sdk_method):
    with pytest.raises(NotOwned):
        getattr(engine, operation)(THEIRS, *args)
    getattr(engine._sdk, sdk_method).assert_not_called()


@pytest.mark.parametrize("operation, args, sdk_method", CHANGES)
def test_changes_of_a_missing_container_say_so(engine, operation, args, sdk_method):
    if operation == "remove_container":
        assert engine.remove_container("c" * 64) is False
    else:
        with pytest.raises(errors.ContainerNotFound):
            getattr(engine, operation)("c" * 64, *args)
    getattr(engine._sdk, sdk_method).assert_not_called()


def test_ownership_checked_once_per_container(engine):
    engine.owned_container(OURS)
    engine.stop(OURS, timeout=0)
    engine.start(OURS)
    assert engine._sdk.inspect_container.call_count == 1
    engine._sdk.stop.assert_called_once_with(OURS, timeout=0)


def test_no_public_sdk_client(engine):
    assert not hasattr(engine, "api")


def test_remove_does_not_swallow_stop_errors(engine):
    engine._sdk.stop.side_effect = _api_error(500, "cannot stop container: permission denied")
    with pytest.raises(errors.EngineError, match="permission denied"):
        engine.remove_container(OURS)
    engine._sdk.remove_container.assert_not_called()


def test_remove_of_a_container_gone_during_stop(engine):
    engine._sdk.stop.side_effect = _api_error(404, f"No such container: {OURS}")
    assert engine.remove_container(OURS) is False
    engine._sdk.remove_container.assert_not_called()


@pytest.mark.parametrize("failing", ["stop", "remove_container"])
def test_remove_waits_for_a_concurrent_removal(engine, failing):
    getattr(engine._sdk, failing).side_effect = _api_error(
        409, f"removal of container {OURS} is already in progress")
    assert engine.remove_container(OURS, timeout=0) is True
    engine._sdk.wait.assert_called_once_with(OURS, timeout=engine.endpoint.timeout,
                                             condition="removed")


def test_remove_conflict_other_than_a_removal_is_raised(engine):
    engine._sdk.remove_container.side_effect = _api_error(409, "container is paused")
    with pytest.raises(errors.Conflict):
        engine.remove_container(OURS)


def test_wait_read_timeout_is_an_engine_timeout(engine):
    engine._sdk.wait.side_effect = requests.exceptions.ReadTimeout("slow")
    with pytest.raises(errors.EngineTimeout):
        engine.wait(OURS, timeout=1, condition="not-running")
