"""A DockerDriver outside Nova's services on the testbed engine (benchmarks, and the
threading-mode check), with a Glance that serves one testbed image."""

import hashlib
import os

os.environ.setdefault("OS_NOVA_DISABLE_EVENTLET_PATCHING", "True")

import nova.conf
from oslo_utils import uuidutils

from nova import objects
from nova.virt import fake
from nova_docker import conf as docker_conf
from nova_docker import driver as docker_driver
from tests.common import testbed

CONF = nova.conf.CONF


def make_driver(host, state_dir, **docker_flags):
    docker_conf.register_opts(CONF)
    CONF([], project="nova", default_config_files=[])
    CONF.set_override("instances_path", state_dir)
    CONF.set_override("endpoint", testbed.docker_url(), group="docker")
    for key, value in docker_flags.items():
        CONF.set_override(key, value, group="docker")
    objects.register_all()
    driver = docker_driver.DockerDriver(fake.FakeVirtAPI())
    driver.init_host(host)
    return driver


def make_instance(number):
    flavor = objects.Flavor(memory_mb=64, vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                            extra_specs={})
    return objects.Instance(id=number, uuid=uuidutils.generate_uuid(), flavor=flavor,
                            metadata={}, hostname=f"bench-{number}", user_data=None)


class SavedImageGlance:
    """The server image as a Glance image with data (a ``docker save`` tarball)."""

    def __init__(self, engine, directory):
        self.path = os.path.join(directory, "server.tar")
        md5 = hashlib.md5(usedforsecurity=False)
        with open(self.path, "wb") as handle:
            for chunk in engine.save_image(testbed.image("server")):
                md5.update(chunk)
                handle.write(chunk)
        self.record = {"id": "bench-image", "container_format": "docker",
                       "checksum": md5.hexdigest(), "properties": {}}

    def get(self, context, image_id):
        return self.record

    def download(self, context, image_id, data):
        with open(self.path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                data.write(chunk)
