"""A DockerDriver outside Nova's services, for benchmarks against the testbed engine."""

import os
import sys

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


def report(name, ratio, target):
    print(f"{name}: ratio {ratio:.3f} (target <= {target})")
    sys.stdout.flush()
