"""Which files a spawn puts into the container, and that nothing means no engine call."""

import base64
import io
import json
import tarfile
from unittest import mock

import pytest
from nova.tests.unit import fake_instance

from nova_docker import seed
from openstack_docker.errors import InvalidSpec

SEED = "/var/lib/cloud/seed/nocloud"


def _instance(**fields):
    instance = fake_instance.fake_instance_obj(None, hostname="web-1", **fields)
    instance.metadata = {"k": "v"}
    return instance


def test_nothing_to_put_makes_no_engine_call():
    engine = mock.Mock()
    seed.install(engine, "cid", _instance(user_data=None), SEED)
    assert seed.files_for(_instance(user_data=None), SEED) == {}
    engine.put_archive.assert_not_called()


def test_user_data_brings_the_nocloud_seed_in_one_archive():
    engine = mock.Mock()
    instance = _instance(user_data=base64.b64encode(b"#cloud-config\n").decode())
    seed.install(engine, "cid", instance, SEED)
    (container, path, data), _ = engine.put_archive.call_args
    assert (container, path) == ("cid", "/")
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
    assert members["var/lib/cloud/seed/nocloud/user-data"] == b"#cloud-config\n"
    meta = json.loads(members["var/lib/cloud/seed/nocloud/meta-data"])
    assert (meta["uuid"], meta["local-hostname"], meta["meta"]) == (
        instance.uuid, "web-1", {"k": "v"})
    assert set(members) == {"var/lib/cloud/seed/nocloud/user-data",
                            "var/lib/cloud/seed/nocloud/meta-data"}


def test_injected_files_are_read_only_binds_of_host_files(tmp_path):
    binds = seed.injected_binds([("/etc/motd", "hi"), ("/a/../b", b"\xff")], tmp_path / "i")
    assert binds == {str(tmp_path / "i" / "0"): {"bind": "/etc/motd", "mode": "ro"},
                     str(tmp_path / "i" / "1"): {"bind": "/b", "mode": "ro"}}
    assert (tmp_path / "i" / "1").read_bytes() == b"\xff"


def test_relative_injected_path_is_refused(tmp_path):
    with pytest.raises(InvalidSpec, match="injected file path"):
        seed.injected_binds([("etc/motd", "x")], tmp_path)
