"""Real testbed images as Glance image data, cleanup of what a test spawned, and Nova's
functional harness (API, conductor, scheduler, placement, compute) wired to the testbed."""

import atexit
import contextlib
import functools
import hashlib
import os
import shutil
import tempfile

import fixtures
import glanceclient
import nova.conf
from keystoneauth1 import noauth
from nova.image import glance
from nova.tests.functional import integrated_helpers
from oslo_utils import uuidutils

from nova import exception
from nova_docker import conf as docker_conf
from openstack_docker import labels
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import testbed

_TARBALLS = tempfile.mkdtemp(prefix="nova-docker-tests-")
atexit.register(shutil.rmtree, _TARBALLS, True)


def engine():
    return Engine(parse_endpoint(testbed.docker_url()), owner=labels.NOVA)


@functools.cache
def saved_image(name):
    """Path of a ``docker save`` tarball of testbed image ``name`` (made once a process)."""
    path = os.path.join(_TARBALLS, f"{name}.tar")
    with open(path, "wb") as handle:
        for chunk in engine().save_image(testbed.image(name)):
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

    def __init__(self, uuids, client=None):
        super().__init__()
        self.uuids = uuids
        self.client = client

    def _setUp(self):
        self.addCleanup(self._remove)

    def _remove(self):
        client = self.client or engine()
        for uuid in self.uuids():
            for container in client.list_containers(all=True, resource_id=uuid):
                client.remove_container(container["Id"], timeout=0)


class DockerAPITestBase(integrated_helpers.ProviderUsageBaseTestCase):
    """Nova in-process with one Docker compute host on the testbed engine and the
    testbed's real Glance: Nova's GlanceFixture is replaced by Nova's real Glance client.

    ``self.server_image`` is the testbed server image uploaded to Glance,
    ``self.flavor`` a 64 MiB / 1 vCPU / 1 GB flavor, ``self.compute`` the compute service.
    """

    compute_driver = "docker.DockerDriver"
    #: More ``[docker]`` options for the compute host.
    docker_flags = {}

    def setUp(self):
        docker_conf.register_opts(nova.conf.CONF)
        super().setUp()
        self.flags(api_servers=[testbed.glance_url()], group="glance")
        self.stub_out("nova.image.glance.get_default_image_service",
                      glance.GlanceImageServiceV2)
        # The testbed Glance runs without Keystone; the in-process API's contexts carry
        # no token, so give Nova's Glance client a placeholder one.
        self.stub_out("nova.context.RequestContext.get_auth_plugin",
                      lambda context: noauth.NoAuth())
        self.flags(**{"endpoint": self.docker_endpoint(), "stop_timeout": 1,
                      **self.docker_flags}, group="docker")
        # busybox httpd as PID 1 ignores SIGTERM: graceful stops run into the timeout.
        self.flags(shutdown_timeout=1)
        self.glance_client = glanceclient.Client("2", endpoint=testbed.glance_url(),
                                                 token="nova-docker-tests")
        self.engine = Engine(parse_endpoint(self.docker_endpoint()), owner=labels.NOVA)
        self.server_image = self._upload("server", saved_image("server"))
        # A host name of its own: other tests share the engine.
        self.compute = self._start_compute(self._unique_host("docker"))
        self.flavor = self._create_flavor(memory_mb=64, vcpu=1, disk=1, ephemeral=0)
        self.useFixture(RemoveInstanceContainers(self._server_uuids, self.engine))

    def docker_endpoint(self):
        """The engine the compute host uses."""
        return testbed.docker_url()

    @staticmethod
    def _unique_host(prefix):
        return f"{prefix}-{uuidutils.generate_uuid()[:8]}"

    def _server_uuids(self):
        return [s["id"] for s in self.admin_api.get_servers(search_opts={"all_tenants": 1,
                                                                         "deleted": 0})]

    def _upload(self, name, path, container_format="docker"):
        image = self.glance_client.images.create(
            name=f"nova-docker-test-{name}", container_format=container_format,
            disk_format="raw")
        self.addCleanup(self.glance_client.images.delete, image["id"])
        with open(path, "rb") as data:
            self.glance_client.images.upload(image["id"], data)
        return image["id"]
