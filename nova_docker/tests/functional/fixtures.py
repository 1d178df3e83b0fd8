"""Real testbed images as Glance image data, and cleanup of what a test spawned."""

import atexit
import contextlib
import functools
import hashlib
import os
import shutil
import tempfile

import fixtures

from nova import exception
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from openstack_docker.tests import testbed

_TARBALLS = tempfile.mkdtemp(prefix="nova-docker-tests-")
atexit.register(shutil.rmtree, _TARBALLS, True)


def engine():
    return Engine(parse_endpoint(testbed.docker_url()), owner="nova")


@functools.cache
def saved_image(name):
    """Path of a ``docker save`` tarball of testbed image ``name`` (made once a process)."""
    path = os.path.join(_TARBALLS, f"{name}.tar")
    with open(path, "wb") as handle:
        for chunk in engine().api.get_image(testbed.image(name)):
            handle.write(chunk)
    return path


def glance_record(image_id, path, **properties):
    """Glance metadata of a docker image whose data is the tarball at ``path``."""
    md5, sha512 = hashlib.md5(), hashlib.sha512()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            md5.update(chunk)
            sha512.update(chunk)
    return {"id": image_id, "name": f"testbed-{image_id[:8]}", "status": "active",
            "container_format": "docker", "disk_format": "raw",
            "size": os.path.getsize(path), "checksum": md5.hexdigest(),
            "os_hash_algo": "sha512", "os_hash_value": sha512.hexdigest(),
            "min_ram": 0, "min_disk": 0, "visibility": "public", "is_public": True,
            "properties": dict(properties)}


class DockerImageInFakeGlance(fixtures.Fixture):
    """Make an image of Nova's GlanceFixture a real testbed image (data and metadata)."""

    def __init__(self, glance, image_id, name="server", **properties):
        super().__init__()
        self.glance, self.image_id = glance, image_id
        self.name, self.properties = name, properties

    def _setUp(self):
        path = saved_image(self.name)
        with contextlib.suppress(exception.ImageNotFound):
            self.glance.delete(None, self.image_id)
        with open(path, "rb") as data:
            self.glance.create(None, glance_record(self.image_id, path, **self.properties),
                               data=data)


class RemoveInstanceContainers(fixtures.Fixture):
    """At cleanup, remove the containers of the instance uuids ``uuids()`` returns.

    Only containers this test's instances own are touched: other tests share the engine.
    """

    def __init__(self, uuids):
        super().__init__()
        self.uuids = uuids

    def _setUp(self):
        self.addCleanup(self._remove)

    def _remove(self):
        client = engine()
        for uuid in self.uuids():
            for container in client.list_containers(all=True, resource_id=uuid):
                client.remove_container(container["Id"], timeout=0)

