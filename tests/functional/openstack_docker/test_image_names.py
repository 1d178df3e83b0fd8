"""No tenant image data can take over an image name on the real engine.

The victim is a name made for the test (tagged onto the testbed's hello image), so that a
regression could never hijack a name other tests use.
"""

import io
import json
import tarfile
import uuid
from unittest import mock

import pytest

from openstack_docker import errors
from openstack_docker.images.cache import ImageCache
from openstack_docker.images.loader import ImageLoader
from tests.common import testbed
from tests.common.engine_calls import sdk_client
from tests.functional.openstack_docker import bridge_services as services
from tests.functional.openstack_docker.test_image_loader import FakeGlance

pytestmark = pytest.mark.functional


@pytest.fixture
def victim(engine):
    """``(name, id)`` of a name that already exists on the engine."""
    repository, tag = f"{testbed.registry()}/victim-{uuid.uuid4().hex[:8]}/app", "latest"
    original = engine.image_id(testbed.image("hello"))
    with errors.translated():
        engine.tag_image(original, f"{repository}:{tag}")
    yield f"{repository}:{tag}", original
    with errors.translated():
        engine.remove_image(f"{repository}:{tag}")


@pytest.fixture
def foreign_image(engine, tmp_path):
    """``(id, path of its docker save)`` of a fresh image the engine no longer holds."""
    name = f"openstack-docker-test/foreign-{uuid.uuid4().hex[:8]}"
    with errors.translated():
        sdk_client(engine).import_image_from_data(services.random_layer(4096), repository=name,
                                          tag="v1")
        image_id = engine.image_id(f"{name}:v1")
        path = tmp_path / "saved.tar"
        with open(path, "wb") as handle:
            for chunk in engine.save_image(image_id):
                handle.write(chunk)
        engine.remove_image(f"{name}:v1")
    yield image_id, path
    services.remove_engine_image(engine, image_id)


def _claiming(path, name, where):
    """Rewrite a saved archive so that it claims ``name`` in its manifest or repositories."""
    with tarfile.open(path) as source:
        members = [(info, source.extractfile(info).read() if info.isreg() else None)
                   for info in source]
    repository, tag = name.rsplit(":", 1)
    hostile = path.with_name("hostile.tar")
    with tarfile.open(hostile, "w") as target:
        for info, data in members:
            if info.name == "manifest.json":
                manifest = json.loads(data)
                manifest[0]["RepoTags"] = [name] if where == "manifest" else None
                data = json.dumps(manifest).encode()
                layer = manifest[0]["Layers"][0].split("/")[0]
                if where == "repositories":
                    legacy = json.dumps({repository: {tag: layer}}).encode()
                    _add(target, "repositories", legacy)
            if data is None:
                target.addfile(info)
            else:
                _add(target, info.name, data, info)
    return hostile


def _add(archive, name, data, template=None):
    info = tarfile.TarInfo(name) if template is None else template
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("where", ["manifest", "repositories"])
def test_an_archive_claiming_an_existing_name_does_not_move_it(engine, victim,
                                                               foreign_image, tmp_path,
                                                               where):
    name, original = victim
    image_id, saved = foreign_image
    glance = FakeGlance(_claiming(saved, name, where))
    loader = ImageLoader(engine, ImageCache(str(tmp_path / "cache")))

    assert loader.ensure(glance.record, glance.download) == image_id
    assert engine.image_id(name) == original
    with errors.translated():
        assert not engine.inspect_image(image_id).get("RepoTags")


@pytest.fixture
def pushed(engine):
    """Reference (by tag) of a fresh image only the registry holds."""
    reference = f"{testbed.registry()}/names-test/img-{uuid.uuid4().hex[:8]}:v1"
    image_id = services.build_random_image(engine, reference, 1 << 16)
    yield reference, image_id
    services.remove_engine_image(engine, image_id)


def test_a_name_moved_between_pull_and_inspect_does_not_swap_the_image(engine, pushed,
                                                                       tmp_path):
    """Another pull, push or tag may move the tag right after our pull: the loader
    resolves what it pulled by digest, never the tag again."""
    reference, pulled_id = pushed
    other = engine.image_id(testbed.image("hello"))
    real_pull = engine.pull

    def pull_then_move(ref, **kwargs):
        digest = real_pull(ref, **kwargs)
        with errors.translated():
            engine.tag_image(other, reference)
        return digest

    glance = FakeGlance.__new__(FakeGlance)
    glance.record = {"id": str(uuid.uuid4()), "container_format": "docker",
                     "properties": {"docker_reference_only": "true",
                                    "docker_reference": reference}}
    loader = ImageLoader(engine, ImageCache(str(tmp_path / "cache")))
    try:
        with mock.patch.object(engine, "pull", side_effect=pull_then_move):
            assert loader.ensure(glance.record, None) == pulled_id
        assert engine.image_id(reference) == other  # the tag did move
    finally:
        with errors.translated():
            engine.remove_image(reference)
