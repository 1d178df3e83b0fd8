"""The image bridge against the testbed's real registry, Glance and engine.

Each test builds its own image from random data, pushes it under a unique repository of the
testbed registry and removes it from the engine, so that a load really has to unpack the layers
the bridge streamed into Glance.
"""

import contextlib
import hashlib
import json
import subprocess
import sys
import uuid

import pytest
from keystoneauth1 import noauth, session

from openstack_docker.images.bridge import errors
from openstack_docker.images.bridge.bridge import Bridge
from openstack_docker.images.bridge.glance import Glance
from openstack_docker.images.bridge.reference import parse
from openstack_docker.images.bridge.registry import Registry
from openstack_docker.images.cache import ImageCache
from openstack_docker.images.loader import ImageLoader
from tests.common import testbed
from tests.common.helpers import delete_manifest
from tests.functional.openstack_docker import bridge_services as services

pytestmark = pytest.mark.functional
CLI = [sys.executable, "-m", "openstack_docker.images.bridge.cli"]


@pytest.fixture(scope="module")
def glance():
    return Glance(session.Session(auth=noauth.NoAuth()), endpoint_override=testbed.glance_url())


@pytest.fixture(scope="module")
def registry():
    client = Registry(testbed.registry())
    yield client
    client.close()


@pytest.fixture(scope="module")
def bridge(glance, registry):
    return Bridge(glance, lambda host: registry)


@pytest.fixture(scope="module")
def pushed(engine, registry):
    """Build and push registry-only images; deletes their manifests at the end."""
    made = []

    def _push(reference, size=3 << 20, layers=2):
        image_id = services.build_random_image(engine, reference, size, layers)
        made.append((reference, image_id))
        return image_id

    yield _push
    for reference, image_id in made:
        ref = parse(reference)
        with contextlib.suppress(errors.ImageNotInRegistry):
            delete_manifest(registry, ref, registry.manifest(ref).digest)
        services.remove_engine_image(engine, image_id)


@pytest.fixture(scope="module")
def source(pushed):
    reference = f"{testbed.registry()}/bridge-test/rt-{uuid.uuid4().hex[:8]}:v1"
    return reference, pushed(reference)


@pytest.fixture
def glance_images(glance):
    """Glance image ids a test made; deleted afterwards."""
    made = []
    yield made
    for image_id in made:
        with contextlib.suppress(errors.GlanceError):
            glance.delete(image_id)


def _load_from_glance(engine, glance, image_id):
    response = glance.data(image_id)
    return engine.load_image(response.raw)


def _loader_record(image):
    """A Glance v2 record in the shape Nova hands the driver (custom properties nested)."""
    core = ("id", "name", "container_format", "disk_format", "checksum", "os_hash_algo",
            "os_hash_value", "size", "status")
    return {**{k: image.get(k) for k in core},
            "properties": {k: v for k, v in image.items() if k.startswith("docker_")}}


def test_import_streams_a_loadable_image(engine, glance, bridge, source, glance_images):
    reference, image_id = source
    result = bridge.import_image(reference)
    glance_images.append(result.id)
    image = glance.get(result.id)
    assert (image["status"], image["container_format"], image["disk_format"]) == \
        ("active", "docker", "raw")
    data = b"".join(glance.data(result.id).iter_content(1 << 20))
    assert image["size"] == result.size == len(data)
    assert image["checksum"] == hashlib.md5(data).hexdigest()
    assert image["docker_reference"] == reference
    assert image["docker_image_id"] == image_id
    assert image["docker_manifest_digest"] == bridge.registry_for("").manifest(
        parse(reference)).digest
    assert "docker_reference_only" not in image

    services.remove_engine_image(engine, image_id)
    _load_from_glance(engine, glance, result.id)
    assert engine.image_id(image_id) == image_id
    assert engine.image_id(reference) is None  # the archive names no image


def test_import_of_a_known_digest_reuses_the_image(glance, bridge, source, glance_images):
    reference, _ = source
    first = bridge.import_image(reference)
    glance_images.append(first.id)
    again = bridge.import_image(reference, name="another name")
    assert again.reused and again.id == first.id
    same = glance.docker_images(docker_manifest_digest=first.manifest_digest)
    assert [i["id"] for i in same if "docker_reference_only" not in i] == [first.id]


def test_planted_properties_do_not_make_an_image_reused(glance, bridge, registry, source,
                                                       glance_images):
    """Anyone can claim a manifest digest on an image they share: only an image of our own
    project (none, for this Glance without Keystone) whose image id is the config's is reused."""
    reference, image_id = source
    digest = registry.manifest(parse(reference)).digest
    claims = {"docker_reference": reference, "docker_manifest_digest": digest}
    planted = [glance.create("planted: other project", {
                   **claims, "docker_image_id": image_id, "owner": "other-project",
                   "visibility": "shared"}),
               glance.create("planted: wrong image id", {
                   **claims, "docker_image_id": "sha256:" + "0" * 64})]
    for image in planted:
        glance_images.append(image["id"])
        glance.upload(image["id"], b"not an image")
    listed = glance.docker_images(docker_manifest_digest=digest, status="active")
    assert {i["id"] for i in planted} <= {i["id"] for i in listed}  # the claims are visible
    assert glance.get(planted[1]["id"])["owner"] is None  # what noauth Glance records

    imported = bridge.import_image(reference)
    glance_images.append(imported.id)
    assert not imported.reused and imported.id not in {i["id"] for i in planted}
    again = bridge.import_image(reference)
    assert again.reused and again.id == imported.id


def test_export_round_trip_gives_the_same_image(engine, glance, bridge, registry, source,
                                                glance_images):
    reference, image_id = source
    imported = bridge.import_image(reference)
    glance_images.append(imported.id)
    target = f"{testbed.registry()}/bridge-test/exported-{uuid.uuid4().hex[:8]}:copy"
    pushed = bridge.export_image(imported.id, target)
    try:
        assert pushed["image_id"] == image_id
        assert pushed["manifest_digest"] == imported.manifest_digest
        services.remove_engine_image(engine, image_id)
        engine.pull(target)
        assert engine.inspect_image(target)["Id"] == image_id
    finally:
        delete_manifest(registry, parse(target), pushed["manifest_digest"])
        services.remove_engine_image(engine, image_id)


def test_export_of_a_docker_save_tarball(engine, glance, bridge, registry, pushed,
                                         glance_images):
    """An image uploaded the classic way (``docker save``: layers uncompressed, manifest last)."""
    reference = f"{testbed.registry()}/bridge-test/saved-{uuid.uuid4().hex[:8]}:v1"
    image_id = pushed(reference, size=2 << 20, layers=2)
    repository = reference.rsplit(":", 1)[0]
    engine.pull(reference)
    saved = engine.save_image(reference)
    created = glance.create(f"saved {reference}", {})
    glance_images.append(created["id"])
    glance.upload(created["id"], saved)
    target = f"{repository}-exported:v1"
    pushed_ref = bridge.export_image(created["id"], target)
    try:
        assert pushed_ref["image_id"] == image_id
        services.remove_engine_image(engine, image_id)
        engine.pull(target)
        assert engine.inspect_image(target)["Id"] == image_id
    finally:
        delete_manifest(registry, parse(target), pushed_ref["manifest_digest"])
        services.remove_engine_image(engine, image_id)


def test_sync_imports_only_missing_tags(bridge, pushed, glance_images):
    repository = f"{testbed.registry()}/bridge-test/sync-{uuid.uuid4().hex[:8]}"
    ids = {tag: pushed(f"{repository}:{tag}", size=1 << 20, layers=1) for tag in ("a", "b")}
    first = bridge.sync(repository)
    glance_images.extend(r.id for r in first)
    assert sorted((r.reference, r.image_id, r.reused) for r in first) == [
        (f"{repository}:{tag}", ids[tag], False) for tag in ("a", "b")]
    second = bridge.sync(repository)
    assert all(r.reused for r in second)
    assert {r.id for r in second} == {r.id for r in first}


def test_loader_takes_copied_and_reference_only_images(engine, glance, bridge, source,
                                                       glance_images, tmp_path):
    reference, image_id = source
    copied = bridge.import_image(reference)
    pointer = bridge.import_image(reference, reference_only=True)
    glance_images.extend([copied.id, pointer.id])
    assert pointer.id != copied.id and pointer.size == 0 and pointer.reference_only
    loader = ImageLoader(engine, ImageCache(str(tmp_path)))

    def download(fileobj):
        for chunk in glance.data(copied.id).iter_content(1 << 20):
            fileobj.write(chunk)

    services.remove_engine_image(engine, image_id)
    assert loader.ensure(_loader_record(glance.get(copied.id)), download) == image_id
    services.remove_engine_image(engine, image_id)
    assert loader.ensure(_loader_record(glance.get(pointer.id)), None) == image_id


def test_missing_tag_and_bad_reference_are_named(bridge, source):
    reference, _ = source
    missing = reference.rsplit(":", 1)[0] + ":no-such-tag"
    with pytest.raises(errors.ImageNotInRegistry, match="no-such-tag"):
        bridge.import_image(missing)
    with pytest.raises(errors.InvalidSpec, match="names no registry"):
        bridge.import_image("busybox:latest")


def test_cli_json_and_exit_codes(source, glance_images):
    reference, image_id = source
    glance_args = ["--os-image-url", testbed.glance_url(), "--json"]
    done = subprocess.run([*CLI, "import", *glance_args, reference], capture_output=True,
                          text=True, check=True)
    result = json.loads(done.stdout)
    glance_images.append(result["id"])
    assert result["image_id"] == image_id
    listed = json.loads(subprocess.run([*CLI, "list", *glance_args], capture_output=True,
                                       text=True, check=True).stdout)
    assert any(i["id"] == result["id"] and i["reference"] == reference for i in listed)
    assert done.stderr == ""  # no progress bar when not on a terminal
    missing = reference.rsplit(":", 1)[0] + ":gone"
    failed = subprocess.run([*CLI, "import", *glance_args, missing], capture_output=True,
                            text=True)
    assert failed.returncode == 1
    assert "gone" in json.loads(failed.stdout)["error"]
