"""Engine behaviour on the real testbed: ownership, clean failures, versions, bad input."""

import pytest

from openstack_docker import errors
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine, NotOwned
from openstack_docker.spec import ContainerSpec
from tests.common import testbed
from tests.common.engine_calls import sdk_client

SLEEPER = testbed.image("sleeper")


@pytest.fixture
def foreign(engine):
    """A container made straight through the SDK, as an operator would: not ours."""
    api = sdk_client(engine)
    container = api.create_container(SLEEPER)["Id"]
    yield container
    api.remove_container(container, force=True)


def _owned_ids(engine):
    return {c["Id"] for c in engine.list_containers()}


def test_negotiates_a_supported_version(engine):
    assert tuple(map(int, engine.negotiated_version.split("."))) >= (1, 41)
    engine.ping()


def test_labels_mark_ownership_and_listing_sees_only_ours(engine, run, foreign):
    ours = run(ContainerSpec(image=SLEEPER))
    listed = _owned_ids(engine)
    assert ours in listed
    assert foreign not in listed


def test_never_touches_what_it_did_not_create(engine, foreign):
    with pytest.raises(NotOwned):
        engine.remove_container(foreign)
    assert engine.inspect_container(foreign)["Id"] == foreign


def test_remove_is_idempotent(engine):
    container = engine.run(ContainerSpec(image=SLEEPER))
    assert engine.remove_container(container, timeout=0) is True
    assert engine.remove_container(container, timeout=0) is False


def test_start_failure_leaves_no_container(engine, run, unique):
    run(ContainerSpec(image=SLEEPER, ports=["127.0.0.1:39181:8080"]))
    before = _owned_ids(engine)
    with pytest.raises(errors.EngineError, match="39181"):
        engine.run(ContainerSpec(image=SLEEPER, ports=["127.0.0.1:39181:8080"]),
                   name=f"clash-{unique}")
    assert _owned_ids(engine) == before


def test_failed_second_network_leaves_no_container(engine, make_network, unique):
    make_network(f"net-{unique}")
    before = _owned_ids(engine)
    # Engine 20.10 accepts the unknown network at connect time and refuses at start.
    with pytest.raises(errors.DockerLayerError, match=f"missing-{unique}"):
        engine.run(ContainerSpec(
            image=SLEEPER, networks=[f"net-{unique}", f"missing-{unique}"]))
    assert _owned_ids(engine) == before


def test_missing_image_is_reported(engine):
    with pytest.raises(errors.ImageMissing):
        engine.run(ContainerSpec(image=f"{testbed.registry()}/testbed/absent:latest"))


def test_name_conflict(engine, run, unique):
    run(ContainerSpec(image=SLEEPER), name=f"taken-{unique}")
    with pytest.raises(errors.Conflict, match="already in use"):
        engine.run(ContainerSpec(image=SLEEPER), name=f"taken-{unique}")


def test_existing_foreign_volume_is_not_adopted(engine, unique):
    name = f"foreign-{unique}"
    sdk_client(engine).create_volume(name)
    try:
        with pytest.raises(errors.Conflict):
            engine.create_volume(name)
        with pytest.raises(NotOwned):
            engine.remove_volume(name)
    finally:
        sdk_client(engine).remove_volume(name)


def test_unreachable_engine(tmp_path):
    engine = Engine(parse_endpoint(f"unix://{tmp_path}/none.sock", timeout=2), owner="x")
    with pytest.raises(errors.EngineUnreachable, match="unreachable"):
        engine.ping()


def test_too_old_api_version_refused():
    engine = Engine(parse_endpoint(testbed.docker_url(), api_version="1.30"), owner="x")
    with pytest.raises(errors.APIVersionUnsupported, match=r"1\.41"):
        engine.ping()


@pytest.mark.parametrize("fields, field", [
    ({"ports": ["80/icmp"]}, "ports"),
    ({"env": ["NOT_KEY_VALUE"]}, "env[0]"),
    ({"binds": ["relative/path:/data"]}, "binds"),
    ({"cap_add": ["FLY"]}, "cap_add"),
])
def test_bad_input_fails_before_any_engine_call(engine, fields, field):
    before = _owned_ids(engine)
    dead = Engine(parse_endpoint("tcp://127.0.0.1:9"), owner="x")  # never contacted
    with pytest.raises(errors.InvalidSpec) as caught:
        dead.run(ContainerSpec(image=SLEEPER, **fields))
    assert caught.value.field == field
    assert dead._sdk is None
    assert _owned_ids(engine) == before


def test_pull_reads_the_stream_and_names_a_missing_tag(engine):
    engine.pull(SLEEPER)
    missing = f"{testbed.registry()}/testbed/sleeper:no-such-tag"
    with pytest.raises(errors.ImageMissing, match="no-such-tag"):
        engine.pull(missing)
