"""Nova's virt driver conformance suite, run against the real engine.

The suite's test image (GlanceFixture's ``cedef40a-...``) becomes the testbed server
image, so every spawn runs a real container. The suite turns NotImplementedError into a
log line; here a NotImplementedError from a method the driver claims to support fails.
"""

from nova.compute import power_state
from nova.network import model as network_model
from nova.tests.unit import utils as test_utils
from nova.tests.unit.virt import test_virt_drivers
from oslo_utils import uuidutils

from nova import objects, test
from tests.functional.nova_docker import fixtures as testbed_fixtures

SUITE_IMAGE = "cedef40a-ed67-4d10-800e-17455edce175"

#: Driver methods the Docker driver implements; none may raise NotImplementedError.
SUPPORTED = frozenset((
    "init_host", "resume_state_on_host_boot", "spawn", "destroy", "reboot", "power_off",
    "power_on", "pause", "unpause", "suspend", "resume", "soft_delete", "restore",
    "get_info", "list_instances", "list_instance_uuids", "get_console_output",
    "get_diagnostics", "get_instance_diagnostics", "get_host_ip_addr",
    "get_available_nodes", "get_available_resource", "update_provider_tree", "snapshot",
    "attach_interface", "detach_interface", "plug_vifs", "unplug_vifs", "cleanup",
    "instance_exists",
))


class DockerDriverConformanceTestCase(test_virt_drivers._VirtDriverTestCase, test.TestCase):
    def setUp(self):
        self.driver_module = "nova.virt.docker.DockerDriver"
        super().setUp()
        self.useFixture(testbed_fixtures.DockerImageInFakeGlance(self.image_service,
                                                                 SUITE_IMAGE))
        self.useFixture(testbed_fixtures.RemoveInstanceContainers(self._instance_uuids))
        self.not_implemented = []
        real_error = test_virt_drivers.LOG.error

        def record(message, values=None, *args, **kwargs):
            if isinstance(values, dict) and "method" in values:
                self.not_implemented.append(values["method"])
            return real_error(message, values, *args, **kwargs)

        self.stub_out("nova.tests.unit.virt.test_virt_drivers.LOG.error", record)
        self.addCleanup(self._check_supported_methods_implemented)
        self.connection.init_host(f"docker-{uuidutils.generate_uuid()[:8]}")

    def test_live_migration(self):
        self.skipTest("live migration is not supported by the Docker driver")

    def test_live_migration_force_complete(self):
        self.skipTest("live migration is not supported by the Docker driver")

    def _instance_uuids(self):
        return [i.uuid for i in objects.InstanceList.get_all(self.ctxt)]

    def _check_supported_methods_implemented(self):
        missing = sorted(set(self.not_implemented) & SUPPORTED)
        self.assertEqual([], missing, "supported methods raised NotImplementedError")

    def _get_running_instance(self, obj=True):
        # The suite's VIF is an OVS port, which this driver refuses by design (see
        # nova_docker.network): spawn without ports, the containers get network_mode none.
        instance = test_utils.get_test_instance(obj=obj)
        image_meta = test_utils.get_test_image_object(None, instance)
        network_info = network_model.NetworkInfo([])
        self.connection.spawn(self.ctxt, instance, image_meta, [], "herp", {},
                              network_info=network_info)
        return instance, network_info

    def _state(self, instance):
        return self.connection.get_info(instance).state

    def _only_instance(self):
        return objects.InstanceList.get_all(self.ctxt)[0]

    # The suite only calls these; check that they did what they say (and see
    # LEAVES_POWER_STATE below).

    def test_spawn(self):
        super().test_spawn()
        instance = self._only_instance()
        self.assertEqual(power_state.RUNNING, self._state(instance))
        self.assertEqual([instance.uuid], [u for u in self.connection.list_instance_uuids()
                                           if u == instance.uuid])

    def test_destroy_instance(self):
        super().test_destroy_instance()
        self.assertFalse(self.connection.instance_exists(self._only_instance()))


#: Suite tests that act on one instance, and the power state it must be left in.
LEAVES_POWER_STATE = {
    "test_power_on_powered_off": power_state.RUNNING,
    "test_power_off": power_state.SHUTDOWN,
    "test_pause": power_state.PAUSED,
    "test_suspend": power_state.SUSPENDED,
    "test_resume_suspended_instance": power_state.RUNNING,
    "test_soft_delete": power_state.SHUTDOWN,
    "test_restore_soft_deleted": power_state.RUNNING,
}


def _leaves(name, expected):
    """The suite's test ``name``, then a check of the instance's power state."""
    def test(self):
        getattr(super(DockerDriverConformanceTestCase, self), name)()
        self.assertEqual(expected, self._state(self._only_instance()))
    test.__name__, test.__qualname__ = name, f"DockerDriverConformanceTestCase.{name}"
    return test


for _name, _expected in LEAVES_POWER_STATE.items():
    setattr(DockerDriverConformanceTestCase, _name, _leaves(_name, _expected))
