"""A real Heat engine (in-process, sqlite) driving the testbed's real Docker engine."""

import os
import sys
import uuid

import fixtures
from heat.common import exception
from heat.engine import resources, scheduler, stack
from heat.tests import common, utils
from oslo_config import cfg

from heat_docker_plugin import connection
from heat_docker_plugin.plugin import container_resources
from openstack_docker import labels
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import testbed

HEAT_ETC = os.path.join(sys.prefix, "etc", "heat")


def image(name):
    return testbed.image(name)


def heat_objects(engine, prefix):
    """Containers, networks and volumes Heat created for stacks named ``prefix...``."""
    def ours(obj_labels):
        return (obj_labels or {}).get(labels.RESOURCE_ID, "").startswith(prefix)

    return ([c["Id"] for c in engine.list_containers() if ours(c["Labels"])],
            [n["Id"] for n in engine.list_networks() if ours(n["Labels"])],
            [v["Name"] for v in engine.list_volumes() if ours(v["Labels"])])


def setup_heat(test):
    """Heat's harness with a wheel's etc/heat, real sleeps, and our resource types."""
    cfg.CONF.set_override("environment_dir", os.path.join(HEAT_ETC, "environment.d"))
    cfg.CONF.set_override("template_dir", os.path.join(HEAT_ETC, "templates"))
    common.HeatTestCase.setUp(test)
    scheduler.ENABLE_SLEEP = True  # poll the real engine at Heat's real pace
    connection.options()
    env = resources.global_env()
    for type_name, cls in container_resources.resource_mapping().items():
        env.register_class(type_name, cls)
    test.prefix = "hd" + uuid.uuid4().hex[:8]


class HeatStackTestCase(common.HeatTestCase):
    """Real Heat stacks; no engine needed (validation never contacts one)."""

    def setUp(self):
        setup_heat(self)

    def policy(self, **overrides):
        for key, value in overrides.items():
            cfg.CONF.set_override(key, value, group="docker_plugin")

    def stack(self, template, name=None, **kw):
        """A stored stack; names start with the test's prefix (the cleanup key)."""
        self.stacks = getattr(self, "stacks", 0) + 1
        name = name or (self.prefix if self.stacks == 1 else f"{self.prefix}-{self.stacks}")
        stk = utils.parse_stack(template, stack_name=name, **kw)
        self.addCleanup(self._delete, stk)
        return stk

    @staticmethod
    def _delete(stk):
        """Delete what the database holds now (the test may have updated the stack)."""
        if stk.id is None:  # deleted by the test
            return
        try:
            current = stack.Stack.load(utils.dummy_context(), stack_id=stk.id)
        except exception.NotFound:
            return
        if current.action != current.DELETE:
            current.delete()


class HeatDockerTestCase(HeatStackTestCase):
    """Runs stacks on the testbed's engine; removes whatever its stacks left behind."""

    def setUp(self):
        super().setUp()
        self.policy(endpoint=testbed.docker_url(),
                    image_record_dir=self.useFixture(fixtures.TempDir()).path)
        self.engine = Engine(parse_endpoint(testbed.docker_url()), owner="test")
        self.addCleanup(self.engine.close)
        # Heat's own owner: what the tests do behind Heat's back (kill, update, remove).
        self.heat_engine = Engine(parse_endpoint(testbed.docker_url()), owner=labels.HEAT)
        self.addCleanup(self.heat_engine.close)
        self.addCleanup(self.remove_leftovers)

    def create(self, template, **kw):
        stk = self.stack(template, **kw)
        stk.validate()
        stk.create()
        self.assertEqual((stk.CREATE, stk.COMPLETE), stk.state, stk.status_reason)
        return stk

    def inspect(self, container_id):
        return self.engine.inspect_container(container_id)

    def heat_objects(self):
        return heat_objects(self.heat_engine, self.prefix)

    def remove_leftovers(self):
        containers, networks, volumes = self.heat_objects()
        for container_id in containers:
            self.heat_engine.remove_container(container_id, timeout=0)
        for network_id in networks:
            self.heat_engine.remove_network(network_id)
        for volume in volumes:
            self.heat_engine.remove_volume(volume)
