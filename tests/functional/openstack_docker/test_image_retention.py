"""Removing the images this layer brought into the testbed's real engine once unused.

The image is the testbed's base image plus a unique label, saved to a tarball and removed
from the engine, so the loader really loads it; the base image itself is the testbed's
and must never be removed.
"""

import uuid

import pytest

from openstack_docker import errors, spec
from openstack_docker.images.cache import ImageCache
from openstack_docker.images.loader import ImageLoader
from openstack_docker.images.retention import BroughtImages
from tests.common import testbed, unique_images
from tests.common.engine_calls import sdk_client
from tests.functional.openstack_docker.test_image_loader import FakeGlance

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def tarball(engine, tmp_path_factory):
    """``(path, image id)`` of a saved image the engine no longer has."""
    tag = f"retention-test/img:{uuid.uuid4().hex[:8]}"
    image_id = unique_images.build(engine, testbed.image("base"), tag)
    path = unique_images.save(engine, image_id,
                              tmp_path_factory.mktemp("retention") / "image.tar")
    unique_images.remove(engine, image_id)
    yield str(path), image_id
    unique_images.remove(engine, image_id)


@pytest.fixture
def loaded(engine, tarball, tmp_path):
    """``(records, image id)``: the image loaded through the loader, recorded."""
    path, image_id = tarball
    unique_images.remove(engine, image_id)
    records = BroughtImages(str(tmp_path / "records"))
    loader = ImageLoader(engine, ImageCache(str(tmp_path / "cache")))
    glance = FakeGlance(path)
    assert records.track(engine, lambda: loader.ensure(glance.record, glance.download)) \
        == image_id
    yield records, image_id
    unique_images.remove(engine, image_id)


def test_loaded_image_removed_once_its_container_is_gone(engine, loaded):
    records, image_id = loaded
    assert records.image_ids(engine) == [image_id]
    container_id = engine.create_container(spec.ContainerSpec(image=image_id,
                                                              command=["true"]))
    assert records.prune(engine, 0) == []  # a container, even never started, uses it
    assert unique_images.present(engine, image_id)
    engine.remove_container(container_id, timeout=0)
    assert records.prune(engine, 3600) == []  # used just now
    assert records.prune(engine, 0) == [image_id]
    assert not unique_images.present(engine, image_id)
    assert records.image_ids(engine) == []


def test_stopped_container_of_another_owner_keeps_the_image(engine, loaded):
    records, image_id = loaded
    with errors.translated():
        container_id = sdk_client(engine).create_container(image_id, command=["true"])["Id"]
        sdk_client(engine).start(container_id)
        sdk_client(engine).wait(container_id, timeout=30)
    try:
        assert records.prune(engine, 0) == []
        assert unique_images.present(engine, image_id)
    finally:
        with errors.translated():
            sdk_client(engine).remove_container(container_id, force=True)
    assert records.prune(engine, 0) == [image_id]


def test_image_the_engine_had_is_never_recorded_nor_removed(engine, tmp_path):
    records = BroughtImages(str(tmp_path / "records"))
    base_id = records.track(
        engine, lambda: engine.image_id(testbed.image("base")))
    assert records.image_ids(engine) == []
    assert records.prune(engine, 0) == []
    assert unique_images.present(engine, base_id)


def test_image_that_got_a_tag_is_kept_with_its_record(engine, loaded):
    records, image_id = loaded
    with errors.translated():
        engine.tag_image(image_id, "retention-test/tagged-by-someone:a")
        engine.tag_image(image_id, "retention-test/tagged-by-someone-else:b")
    assert records.prune(engine, 0) == []  # two names: the engine refuses without force
    assert records.image_ids(engine) == [image_id]
