"""The Docker driver's capabilities, each checked on the real engine (Glance is Nova's fake
image service fed with real ``docker save`` tarballs of testbed images)."""

import base64
import contextlib
import json
import os
import subprocess
import threading
import time
from unittest import mock

import fixtures
from nova.compute import power_state, task_states
from nova.network import model as network_model
from nova.tests import fixtures as nova_fixtures
from nova.tests.unit import utils as test_utils
from pyroute2 import IPRoute

from nova import exception, objects, test
from nova.virt import event as virtevent
from nova.virt import fake
from nova_docker import driver as docker_driver
from nova_docker import network
from openstack_docker import errors, labels
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import registry_fixture, testbed, unique_images
from tests.common.engine_calls import count_calls
from tests.functional.nova_docker import fixtures as tb

SERVER = "aaaaaaaa-0000-4000-8000-000000000001"
BASE = "aaaaaaaa-0000-4000-8000-000000000002"
ONESHOT = "aaaaaaaa-0000-4000-8000-000000000003"
UNIQUE = "aaaaaaaa-0000-4000-8000-000000000004"
DEAD = "unix:///nonexistent/nova-docker-test.sock"


class DockerDriverTestCase(test.TestCase):
    def setUp(self):
        super().setUp()
        self.flags(instances_path=self.useFixture(fixtures.TempDir()).path)
        self.glance = self.useFixture(nova_fixtures.GlanceFixture(self))
        self.useFixture(tb.DockerImageInFakeGlance(self.glance, SERVER, "server"))
        self.useFixture(tb.DockerImageInFakeGlance(self.glance, BASE, "base"))
        self.useFixture(tb.DockerImageInFakeGlance(self.glance, ONESHOT, "oneshot"))
        self.ctxt = test_utils.get_test_admin_context()
        self.driver = docker_driver.DockerDriver(fake.FakeVirtAPI())
        self.driver.init_host("testhost")
        self.addCleanup(self.driver.cleanup_host, "testhost")
        self.events = []
        self.driver.register_event_listener(self.events.append)
        self.engine = self.driver.engine
        self.useFixture(tb.RemoveInstanceContainers(
            lambda: [i.uuid for i in objects.InstanceList.get_all(self.ctxt)]))

    def _instance(self, flavor=None, extra_specs=None, **fields):
        flavor = test_utils.get_test_flavor(self.ctxt, dict(
            {"name": "docker.small", "flavorid": "docker-small", "memory_mb": 64,
             "vcpus": 1, "root_gb": 1, "ephemeral_gb": 0, "swap": 0}, **(flavor or {})))
        instance = test_utils.get_test_instance(self.ctxt, flavor=flavor, obj=True)
        instance.flavor.extra_specs = dict(extra_specs or {})
        for key, value in fields.items():
            setattr(instance, key, value)
        return instance

    def _spawn(self, image=SERVER, instance=None, injected_files=(), **kwargs):
        instance = instance or self._instance(**kwargs)
        image_meta = objects.ImageMeta.from_dict(self.glance.show(self.ctxt, image))
        self.driver.spawn(self.ctxt, instance, image_meta, list(injected_files), None, {},
                          network_info=network_model.NetworkInfo([]))
        return instance

    def _container(self, instance):
        return self.engine.owned_container(f"nova-{instance.uuid}")

    def _state(self, instance):
        return self.driver.get_info(instance).state

    def _exec(self, instance, command):
        return self.engine.exec_run(self._container(instance)["Id"], command)

    def _containers_of(self, instance):
        return self.engine.list_containers(all=True, resource_id=instance.uuid)

    # -- host -------------------------------------------------------------------

    def test_init_host_names_unreachable_endpoint(self):
        self.driver.engine = Engine(parse_endpoint(DEAD), owner=labels.NOVA)
        exc = self.assertRaises(exception.HypervisorUnavailable,
                                self.driver.init_host, "testhost")
        self.assertIn(DEAD, str(exc))

    def test_resources_from_engine(self):
        info = self.engine.info()
        res = self.driver.get_available_resource("testhost")
        self.assertEqual(info["NCPU"], res["vcpus"])
        self.assertEqual(info["MemTotal"] // 2 ** 20, res["memory_mb"])
        stat = os.statvfs(info["DockerRootDir"])
        self.assertEqual(stat.f_blocks * stat.f_frsize // 2 ** 30, res["local_gb"])
        self.assertEqual("docker", res["hypervisor_type"])
        self.assertEqual(["testhost"], self.driver.get_available_nodes())

    def test_update_provider_tree_honours_reserved_and_ratios(self):
        from nova.compute import provider_tree
        self.flags(reserved_host_memory_mb=128, reserved_host_cpus=1,
                   reserved_host_disk_mb=2048, cpu_allocation_ratio=4.0,
                   ram_allocation_ratio=None, initial_ram_allocation_ratio=1.5)
        tree = provider_tree.ProviderTree()
        tree.new_root("testhost", "11111111-2222-3333-4444-555555555555")
        self.driver.update_provider_tree(tree, "testhost")
        inv = tree.data("testhost").inventory
        info = self.engine.info()
        self.assertEqual(info["NCPU"], inv["VCPU"]["total"])
        self.assertEqual((1, 4.0), (inv["VCPU"]["reserved"], inv["VCPU"]["allocation_ratio"]))
        self.assertEqual((128, 1.5), (inv["MEMORY_MB"]["reserved"],
                                      inv["MEMORY_MB"]["allocation_ratio"]))
        self.assertEqual(2, inv["DISK_GB"]["reserved"])

    # -- spawn --------------------------------------------------------------------

    def test_spawn_applies_flavor_metadata_userdata_files_hostname(self):
        instance = self._spawn(
            flavor={"memory_mb": 96, "vcpus": 2, "swap": 32},
            extra_specs={"docker:cpuset": "0"},
            metadata={"GREETING": "hello", "not a var": "x"},
            hostname="web-1",
            user_data=base64.b64encode(b"#cloud-config\nfoo: bar\n").decode(),
            injected_files=[("/etc/motd.d/nova", b"injected!")])
        host = self._container(instance)["HostConfig"]
        self.assertEqual(96 * 2 ** 20, host["Memory"])
        self.assertEqual(128 * 2 ** 20, host["MemorySwap"])
        self.assertEqual(2048, host["CpuShares"])
        self.assertEqual((200000, 100000), (host["CpuQuota"], host["CpuPeriod"]))
        self.assertEqual("0", host["CpusetCpus"])
        self.assertEqual(power_state.RUNNING, self._state(instance))
        self.assertEqual((0, "hello\n"), self._exec(instance, ["sh", "-c", "echo $GREETING"]))
        self.assertEqual("web-1", self._exec(instance, ["hostname"])[1].strip())
        self.assertEqual("#cloud-config\nfoo: bar\n", self._exec(
            instance, ["cat", "/var/lib/cloud/seed/nocloud/user-data"])[1])
        self.assertIn(instance.uuid, self._exec(
            instance, ["cat", "/var/lib/cloud/seed/nocloud/meta-data"])[1])
        self.assertEqual("injected!", self._exec(instance, ["cat", "/etc/motd.d/nova"])[1])
        self.assertIn(instance.name, self.driver.list_instances())

    def test_command_from_image_property_and_bounded_console(self):
        self.glance.update(self.ctxt, BASE, {"properties": {
            "os_command_line": "sh -c 'for i in 1 2 3 4; do echo line$i; done; "
                               "exec sleep 1000'"}})
        self.flags(console_log_lines=2, group="docker")
        instance = self._spawn(image=BASE)
        self.assertEqual("line3\nline4\n",
                         self.driver.get_console_output(self.ctxt, instance))

    def test_console_is_bounded_in_bytes_and_takes_any_bytes(self):
        self.glance.update(self.ctxt, BASE, {"properties": {
            "os_command_line": "sh -c 'printf \"caf\\303\\251 \\377\\n\"; "
                               "head -c 10485760 /dev/zero | tr \"\\0\" a; echo; "
                               "echo last-line; exec sleep 1000'"}})
        self.flags(console_log_bytes=65536, group="docker")
        instance = self._spawn(image=BASE)
        deadline = time.monotonic() + 30
        while "last-line" not in (console := self.driver.get_console_output(self.ctxt,
                                                                            instance)):
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.2)
        self.assertLessEqual(len(console), 65536)
        self.assertTrue(console.endswith("last-line\n"))
        self.flags(console_log_lines=20, group="docker")  # both lines fit: bytes as written
        self.glance.update(self.ctxt, BASE, {"properties": {
            "os_command_line": "sh -c 'printf \"caf\\303\\251 \\377\\n\"; "
                               "exec sleep 1000'"}})
        other = self._spawn(image=BASE)
        deadline = time.monotonic() + 10
        while not (console := self.driver.get_console_output(self.ctxt, other)):
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        # The engine's json-file log stores text: bytes that are not UTF-8 come back as
        # U+FFFD. What the engine gives is returned as the str of its bytes, which
        # Nova's manager encodes back to them (Latin-1) without error.
        self.assertEqual("café \ufffd\n", console.encode("latin-1").decode())

    def test_image_loaded_only_when_absent_and_cached_by_glance_id(self):
        load = count_calls(self.engine, "load_image")
        download = mock.patch.object(self.driver._glance, "download",
                                     wraps=self.driver._glance.download)
        with load as loads, download as downloads:
            self._spawn()
            self._spawn()
        self.assertEqual(0, loads.call_count)  # the engine has that content already
        self.assertEqual(1, downloads.call_count)  # second spawn: verified cache hit

    def test_docker_image_id_naming_another_engine_image_is_not_booted(self):
        # The owner of the base image claims it is the server image the engine holds
        # (another tenant's, say): by id or by tag, nothing boots from that image.
        server_id = self.engine.inspect_image(testbed.image("server"))["Id"]
        for claim in (server_id, testbed.image("server")):
            self.glance.update(self.ctxt, BASE, {"properties": {"docker_image_id": claim}})
            instance = self._instance()
            exc = self.assertRaises(exception.ImageUnacceptable, self._spawn, image=BASE,
                                    instance=instance)
            self.assertIn("docker_image_id", str(exc))
            self.assertEqual([], self._containers_of(instance))

    def test_docker_image_id_of_the_data_boots_after_verifying_it(self):
        image_id = self.engine.inspect_image(testbed.image("server"))["Id"]
        self.glance.update(self.ctxt, SERVER, {"properties": {"docker_image_id": image_id}})
        with mock.patch.object(self.driver._glance, "download",
                               wraps=self.driver._glance.download) as downloads:
            instance = self._spawn()
        self.assertEqual(1, downloads.call_count)
        self.assertEqual(image_id, self._container(instance)["Image"])

    def test_concurrent_spawns_of_one_image_download_it_once(self):
        real_download = self.driver._glance.download

        def slow_download(*args, **kwargs):
            time.sleep(0.3)  # (green) threads meet at the image lock meanwhile
            return real_download(*args, **kwargs)

        instances = [self._instance() for _ in range(2)]
        with mock.patch.object(self.driver._glance, "download",
                               side_effect=slow_download) as downloads:
            threads = [threading.Thread(target=self._spawn, kwargs={"instance": i})
                       for i in instances]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        self.assertEqual(1, downloads.call_count)
        for instance in instances:
            self.assertEqual(power_state.RUNNING, self._state(instance))

    def test_concurrent_deletes_with_and_without_vifs(self):
        # Under eventlet (this process) every green thread shares one native thread:
        # netlink sessions must not meet, and instances without VIFs open none.
        vifs = {}
        for number in range(1, 7):
            instance = self._instance()
            vifs[instance.uuid] = network_model.NetworkInfo(
                [_tap_vif(number)] if number % 2 else [])
            image_meta = objects.ImageMeta.from_dict(self.glance.show(self.ctxt, SERVER))
            self.driver.spawn(self.ctxt, instance, image_meta, [], None, {},
                              network_info=vifs[instance.uuid])
            vifs[instance.uuid].instance = instance
        failures = []

        def destroy(network_info):
            try:
                self.driver.destroy(self.ctxt, network_info.instance, network_info)
            except Exception as exc:
                failures.append(exc)

        threads = [threading.Thread(target=destroy, args=(nw,)) for nw in vifs.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual([], failures)
        for network_info in vifs.values():
            self.assertEqual([], self._containers_of(network_info.instance))
            with IPRoute() as ipr:
                for vif in network_info:
                    self.assertEqual([], ipr.link_lookup(ifname=vif["devname"]))

    def test_confined_by_default_and_a_fork_bomb_is_bounded(self):
        host_config = self._container(self._spawn())["HostConfig"]
        self.assertEqual(1024, host_config["PidsLimit"])
        self.assertEqual(["no-new-privileges:true"], host_config["SecurityOpt"])
        self.assertEqual(["NET_RAW", "MKNOD", "SETFCAP"], host_config["CapDrop"])
        self.assertFalse(host_config["Privileged"])

        self.glance.update(self.ctxt, BASE, {"properties": {
            "os_command_line": "sh -c 'bomb() { bomb | bomb & }; bomb; exec sleep 1000'"}})
        instance = self._spawn(image=BASE, extra_specs={"docker:pids_limit": "32"})
        container_id = self._container(instance)["Id"]
        self.assertEqual(32, self._container(instance)["HostConfig"]["PidsLimit"])
        # The bomb runs into its limit: the kernel refuses its forks. How many of its
        # shells are alive at one instant varies (refused ones exit), so the proof that
        # it tried is the refusal in its output, not a process count.
        deadline = time.monotonic() + 20
        while "can't fork" not in self.engine.logs(container_id, tail=50):
            self.assertLess(time.monotonic(), deadline, "the bomb never hit its limit")
            time.sleep(0.2)
        self.assertLessEqual(self.engine.stats(container_id)["pids_stats"]["current"], 32)
        self.assertEqual(0, subprocess.run(["true"], check=False).returncode)  # host forks
        self.driver.destroy(self.ctxt, instance, network_model.NetworkInfo([]))
        self.assertEqual([], self._containers_of(instance))

    def test_bad_pids_limit_is_refused_naming_the_extra_spec(self):
        instance = self._instance(extra_specs={"docker:pids_limit": "lots"})
        exc = self.assertRaises(exception.InstanceDeployFailure, self._spawn,
                                instance=instance)
        self.assertIn("docker:pids_limit", str(exc))
        self.assertEqual([], self._containers_of(instance))

    def test_cache_image_preloads_and_reports_existing(self):
        self.assertTrue(self.driver.capabilities["supports_image_type_raw"])
        with mock.patch.object(self.driver._glance, "download",
                               wraps=self.driver._glance.download) as downloads:
            self.assertTrue(self.driver.cache_image(self.ctxt, SERVER))
            self.assertFalse(self.driver.cache_image(self.ctxt, SERVER))
            self._spawn()
        self.assertEqual(1, downloads.call_count)

    def test_image_cache_task_honours_nova_options(self):
        instance = self._spawn()
        cache = self.driver.images.cache
        instance.image_ref = SERVER
        self.flags(remove_unused_base_images=False, group="image_cache")
        self.driver.manage_image_cache(self.ctxt, [])
        self.assertEqual([SERVER], cache.image_ids())
        self.flags(remove_unused_base_images=True,
                   remove_unused_original_minimum_age_seconds=3600, group="image_cache")
        self.driver.manage_image_cache(self.ctxt, [instance])
        os.utime(cache.path(SERVER), (time.time() - 1800,) * 2)
        self.driver.manage_image_cache(self.ctxt, [])  # unused for only half an hour
        self.assertEqual([SERVER], cache.image_ids())
        self.flags(remove_unused_original_minimum_age_seconds=0, group="image_cache")
        self.driver.manage_image_cache(self.ctxt, [instance])  # in use
        self.assertEqual([SERVER], cache.image_ids())
        self.driver.manage_image_cache(self.ctxt, [])
        self.assertEqual([], cache.image_ids())

    def _unique_glance_image(self):
        """Glance image UNIQUE: a tarball of an image the engine does not have (the
        testbed's server image plus a unique label); returns its engine image id."""
        tag = f"nova-docker-test/unique:{os.urandom(4).hex()}"
        image_id = unique_images.build(self.engine, testbed.image("server"), tag)
        self.addCleanup(unique_images.remove, self.engine, image_id)
        path = unique_images.save(self.engine, image_id,
                                  os.path.join(self.useFixture(fixtures.TempDir()).path,
                                               "unique.tar"))
        unique_images.remove(self.engine, image_id)
        with open(path, "rb") as data:
            self.glance.create(None, tb.glance_record(UNIQUE, path), data=data)
        return image_id

    def test_image_cache_task_removes_engine_images_it_brought_once_unused(self):
        image_id = self._unique_glance_image()
        server_id = self.engine.image_id(testbed.image("server"))
        instance = self._spawn(image=UNIQUE)
        self._spawn()  # the testbed's server image: the engine had it, never removed
        self.assertEqual([image_id], self.driver._brought.image_ids(self.engine))
        self.flags(remove_unused_base_images=True,
                   remove_unused_original_minimum_age_seconds=0, group="image_cache")
        self.driver.manage_image_cache(self.ctxt, [instance])
        self.assertTrue(unique_images.present(self.engine, image_id))  # in use
        self.driver.power_off(instance, timeout=0)
        self.driver.manage_image_cache(self.ctxt, [instance])
        self.assertTrue(unique_images.present(self.engine, image_id))  # stopped: in use
        self.driver.destroy(self.ctxt, instance, network_model.NetworkInfo([]))
        self.flags(remove_unused_base_images=False, group="image_cache")
        self.driver.manage_image_cache(self.ctxt, [])
        self.assertTrue(unique_images.present(self.engine, image_id))
        self.flags(remove_unused_base_images=True,
                   remove_unused_original_minimum_age_seconds=3600, group="image_cache")
        self.driver.manage_image_cache(self.ctxt, [])  # used minutes ago
        self.assertTrue(unique_images.present(self.engine, image_id))
        self.flags(remove_unused_original_minimum_age_seconds=0, group="image_cache")
        self.driver.manage_image_cache(self.ctxt, [])
        self.assertFalse(unique_images.present(self.engine, image_id))
        self.assertEqual([], self.driver._brought.image_ids(self.engine))
        self.assertTrue(unique_images.present(self.engine, server_id))
        # Booting it again loads it again.
        instance = self._spawn(image=UNIQUE)
        self.assertEqual(image_id, self._container(instance)["Image"])

    def test_image_cache_task_removes_containers_of_instances_not_here(self):
        self.flags(orphan_grace_seconds=0, group="docker")
        kept, orphan = self._spawn(), self._spawn()
        # A compute host sharing the engine: its containers are not this host's to judge.
        other = docker_driver.DockerDriver(fake.FakeVirtAPI())
        other.init_host("otherhost")
        theirs = self._instance()
        image_meta = objects.ImageMeta.from_dict(self.glance.show(self.ctxt, SERVER))
        other.spawn(self.ctxt, theirs, image_meta, [], None, {},
                    network_info=network_model.NetworkInfo([]))
        self.driver.manage_image_cache(self.ctxt, [kept])
        self.assertEqual([], self._containers_of(orphan))
        self.assertEqual(power_state.RUNNING, self._state(kept))
        self.assertEqual(1, len(self._containers_of(theirs)))
        # Young containers are spared: their instance may still be claimed for this host.
        self.flags(orphan_grace_seconds=60, group="docker")
        self.driver.manage_image_cache(self.ctxt, [])
        self.assertEqual(power_state.RUNNING, self._state(kept))

    def test_spawn_of_a_known_image_is_create_and_start(self):
        self._spawn()  # the driver now knows the image's engine id
        with count_calls(self.engine, "send") as send:
            self._spawn()
        self.assertEqual(["POST", "POST"],
                         [call.args[0].method for call in send.call_args_list])
        self.assertEqual(["create", "start"],
                         [call.args[0].path_url.split("?")[0].rsplit("/", 1)[-1]
                          for call in send.call_args_list])

    def test_checksum_mismatch_refused_and_not_cached(self):
        self.glance.update(self.ctxt, SERVER, {"os_hash_value": "0" * 128})
        instance = self._instance()
        exc = self.assertRaises(exception.ImageUnacceptable, self._spawn,
                                instance=instance)
        self.assertIn("sha512", str(exc))
        self.assertEqual([], self._containers_of(instance))
        self.assertEqual([], os.listdir(self.driver.images.cache.directory))

    def test_reference_only_image_is_pulled(self):
        reference = testbed.image("hello")
        digest = self.engine.inspect_image(reference)["RepoDigests"][0].split("@")[1]
        self.glance.create(None, {
            "id": "aaaaaaaa-0000-4000-8000-000000000009", "name": "ref-only",
            "status": "active", "container_format": "docker", "disk_format": "raw",
            "size": 0, "properties": {
                "docker_reference_only": "true", "docker_reference": reference,
                "docker_manifest_digest": digest,
                "os_command_line": "sleep 1000"}})
        with mock.patch.object(self.driver._glance, "download") as downloads:
            instance = self._spawn(image="aaaaaaaa-0000-4000-8000-000000000009")
        downloads.assert_not_called()
        self.assertEqual(power_state.RUNNING, self._state(instance))

    def test_reference_only_image_from_a_registry_with_a_login(self):
        with registry_fixture.private_registry(users={"nova": "s3cret"}) as registry:
            image_id = registry.push_copy(self.engine, testbed.image("base"),
                                          "nova-auth/base", "v1")
            self.glance.create(None, {
                "id": "aaaaaaaa-0000-4000-8000-00000000000a", "name": "ref-auth",
                "status": "active", "container_format": "docker", "disk_format": "raw",
                "size": 0, "properties": {
                    "docker_reference_only": "true",
                    "docker_reference": f"{registry.address}/nova-auth/base:v1",
                    "os_command_line": "sleep 1000"}})
            # No login configured: the registry refuses, the build fails, nothing left.
            instance = self._instance()
            exc = self.assertRaises(exception.InstanceDeployFailure, self._spawn,
                                    image="aaaaaaaa-0000-4000-8000-00000000000a",
                                    instance=instance)
            self.assertIn(registry.address, str(exc))
            self.assertIn("no basic auth credentials", str(exc))
            self.assertEqual([], self._containers_of(instance))
            logins = self.useFixture(fixtures.TempDir()).join("registries.json")
            with open(logins, "w") as handle:
                json.dump({registry.address: {"username": "nova", "password": "s3cret"}},
                          handle)
            self.flags(registry_credentials_file=logins, group="docker")
            instance = self._spawn(image="aaaaaaaa-0000-4000-8000-00000000000a")
            self.assertEqual(image_id, self._container(instance)["Image"])
            self.driver.destroy(self.ctxt, instance, network_model.NetworkInfo([]))
            self.engine.remove_image(f"{registry.address}/nova-auth/base@"
                                     f"{self._pulled_digest(registry, image_id)}")

    def _pulled_digest(self, registry, image_id):
        digests = self.engine.inspect_image(image_id)["RepoDigests"]
        return next(d for d in digests if d.startswith(registry.address)).split("@")[1]

    def test_wrong_container_format_creates_nothing(self):
        instance = self._instance()
        image_meta = objects.ImageMeta.from_dict(self.glance.show(self.ctxt, BASE))
        self.glance.update(self.ctxt, BASE, {"container_format": "bare"})
        exc = self.assertRaises(exception.ImageUnacceptable, self.driver.spawn, self.ctxt,
                                instance, image_meta, [], None, {},
                                network_info=network_model.NetworkInfo([]))
        self.assertIn("container_format", str(exc))
        self.assertEqual([], self._containers_of(instance))

    def test_unknown_image(self):
        instance = self._instance()
        image_meta = objects.ImageMeta.from_dict({"id": "aaaaaaaa-0000-4000-8000-0000000000ff"})
        self.assertRaises(exception.ImageNotFound, self.driver.spawn, self.ctxt, instance,
                          image_meta, [], None, {}, network_info=network_model.NetworkInfo([]))
        self.assertEqual([], self._containers_of(instance))

    def _wait_for_event(self, instance, transition, timeout=5):
        """The first lifecycle event ``transition`` of ``instance`` within ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events:
                if (event.get_instance_uuid(), event.get_transition()) == \
                        (instance.uuid, transition):
                    return event
            time.sleep(0.05)
        self.fail(f"no {transition} event of {instance.uuid} within {timeout} s: "
                  f"{self.events}")

    def test_process_exiting_at_once_is_a_stopped_event_with_its_output(self):
        instance = self._spawn(image=ONESHOT)  # no watch: spawn returns once started
        self._wait_for_event(instance, virtevent.EVENT_LIFECYCLE_STOPPED)
        self.assertEqual(power_state.SHUTDOWN, self._state(instance))
        console = self.driver.get_console_output(self.ctxt, instance)
        self.assertIn("testbed-oneshot-failed", console)
        self.assertIn("[container exited with code 3", console)
        logged = f"The container of instance {instance.uuid} exited with code 3"
        deadline = time.monotonic() + 5  # logged just after the event is emitted
        while logged not in self.stdlog.logger.output:
            self.assertLess(time.monotonic(), deadline, "exit not logged")
            time.sleep(0.05)
        self.assertIn("testbed-oneshot-failed", self.stdlog.logger.output)

    def test_command_that_cannot_start_fails_the_spawn_clearly(self):
        self.glance.update(self.ctxt, BASE, {"properties": {
            "os_command_line": "/no/such/program"}})
        instance = self._instance()
        exc = self.assertRaises(exception.InstanceDeployFailure, self._spawn, image=BASE,
                                instance=instance)
        self.assertIn("/no/such/program", str(exc))
        self.assertEqual([], self._containers_of(instance))

    def test_changes_from_outside_are_events_the_drivers_own_are_not(self):
        instance = self._spawn()
        container_id = self._container(instance)["Id"]
        self.engine.kill(container_id)
        self._wait_for_event(instance, virtevent.EVENT_LIFECYCLE_STOPPED)
        self.assertEqual(power_state.SHUTDOWN, self._state(instance))
        self.engine.start(container_id)
        self._wait_for_event(instance, virtevent.EVENT_LIFECYCLE_STARTED)
        # Starts and stops the driver makes for Nova are Nova's own news already.
        self.driver.power_off(instance)
        self.driver.power_on(self.ctxt, instance, network_model.NetworkInfo([]))
        self.engine.pause(container_id)
        self._wait_for_event(instance, virtevent.EVENT_LIFECYCLE_PAUSED)
        self.assertEqual(
            [virtevent.EVENT_LIFECYCLE_STOPPED, virtevent.EVENT_LIFECYCLE_STARTED,
             virtevent.EVENT_LIFECYCLE_PAUSED],
            [event.get_transition() for event in self.events
             if event.get_instance_uuid() == instance.uuid][-3:])
        self.assertIn("exited with code 137", self.stdlog.logger.output)

    def test_disk_quota_refused_clearly_where_storage_driver_cannot(self):
        instance = self._instance(extra_specs={"docker:disk_quota": "true"})
        exc = self.assertRaises(exception.InstanceDeployFailure, self._spawn,
                                instance=instance)
        self.assertIn("docker:disk_quota", str(exc))
        self.assertEqual([], self._containers_of(instance))

    def test_other_engine_errors_are_not_blamed_on_the_disk_quota(self):
        instance = self._instance(extra_specs={"docker:disk_quota": "true",
                                               "docker:cpuset": "99"})
        exc = self.assertRaises(exception.InstanceDeployFailure, self._spawn,
                                instance=instance)
        self.assertIn("Requested CPUs are not available", str(exc))
        self.assertNotIn("disk_quota", str(exc))
        self.assertEqual([], self._containers_of(instance))

    def test_boot_from_volume_is_refused_before_anything(self):
        instance = self._instance()
        bdi = {"block_device_mapping": [{"mount_device": "/dev/vda",
                                         "connection_info": {"driver_volume_type": "iscsi"}}]}
        image_meta = objects.ImageMeta.from_dict(self.glance.show(self.ctxt, SERVER))
        with mock.patch.object(self.driver._glance, "get") as gets:
            exc = self.assertRaises(exception.InstanceDeployFailure, self.driver.spawn,
                                    self.ctxt, instance, image_meta, [], None, {},
                                    network_info=network_model.NetworkInfo([]),
                                    block_device_info=bdi)
        gets.assert_not_called()
        self.assertIn("volume", str(exc))
        self.assertEqual([], self._containers_of(instance))

    def test_exit_before_vifs_are_plugged_is_left_to_the_stopped_event(self):
        # The process exits before its VIF is plugged (the real plug runs once it has):
        # the spawn does not fail on "container not running"; the instance stops.
        real_plug = network.plug_vifs

        def plug_after_exit(engine, container_id, *args):
            engine.wait(container_id, timeout=30)
            return real_plug(engine, container_id, *args)

        instance = self._instance()
        image_meta = objects.ImageMeta.from_dict(self.glance.show(self.ctxt, ONESHOT))
        with mock.patch.object(network, "plug_vifs", side_effect=plug_after_exit):
            self.driver.spawn(self.ctxt, instance, image_meta, [], None, {},
                              network_info=network_model.NetworkInfo([_tap_vif()]))
        self._wait_for_event(instance, virtevent.EVENT_LIFECYCLE_STOPPED)
        self.assertIn("code 3", self.driver.get_console_output(self.ctxt, instance))

    def test_waits_for_network_vif_plugged_of_inactive_ports(self):
        waited = []

        @contextlib.contextmanager
        def wait_for_instance_event(instance, events, timeout, error_callback):
            waited.append((events, timeout))
            yield
            if timeout_now:
                raise exception.InstanceEventTimeout()

        self.flags(vif_plugging_timeout=7)
        self.stub_out("nova.virt.fake.FakeVirtAPI.wait_for_instance_event",
                      lambda self_, *args, **kwargs: wait_for_instance_event(*args, **kwargs))
        inactive, active = _tap_vif(5), _tap_vif(6)
        inactive["active"], active["active"] = False, True
        timeout_now = False
        instance = self._instance()
        image_meta = objects.ImageMeta.from_dict(self.glance.show(self.ctxt, SERVER))
        network_info = network_model.NetworkInfo([inactive, active])
        self.driver.spawn(self.ctxt, instance, image_meta, [], None, {},
                          network_info=network_info)
        self.assertEqual([([("network-vif-plugged", inactive["id"])], 7)], waited)
        self.driver.destroy(self.ctxt, instance, network_info)

        timeout_now = True  # Neutron never says: fatal by default, nothing left behind
        instance = self._instance()
        self.assertRaises(exception.VirtualInterfaceCreateException, self.driver.spawn,
                          self.ctxt, instance, image_meta, [], None, {},
                          network_info=network_info)
        self.assertEqual([], self._containers_of(instance))
        self.flags(vif_plugging_is_fatal=False)  # then it is only logged
        instance = self._instance()
        self.driver.spawn(self.ctxt, instance, image_meta, [], None, {},
                          network_info=network_info)
        self.assertEqual(power_state.RUNNING, self._state(instance))
        self.driver.destroy(self.ctxt, instance, network_info)

    def test_plug_vifs_at_service_start_skips_missing_and_stopped_containers(self):
        vifs = network_model.NetworkInfo([_tap_vif()])
        self.driver.plug_vifs(self._instance(), vifs)  # no container at all
        instance = self._spawn()
        self.driver.power_off(instance)
        self.driver.plug_vifs(instance, vifs)
        self.assertEqual(power_state.SHUTDOWN, self._state(instance))

    def test_engine_dying_mid_spawn_then_back(self):
        real = self.engine
        instance = self._instance()

        def die(*args, **kwargs):
            self.driver.engine = Engine(parse_endpoint(DEAD), owner=labels.NOVA)

        with mock.patch("nova_docker.seed.install", side_effect=die):
            exc = self.assertRaises(exception.HypervisorUnavailable, self._spawn,
                                    instance=instance)
        self.assertIn(DEAD, str(exc))
        # The engine is back: destroy cleans what the interrupted spawn created,
        # and the same driver object spawns again without a restart.
        self.driver.engine = real
        self.driver.destroy(self.ctxt, instance, network_model.NetworkInfo([]))
        self.assertEqual([], self._containers_of(instance))
        self.assertEqual(power_state.RUNNING, self._state(self._spawn()))

    # -- lifecycle ------------------------------------------------------------------

    def test_lifecycle(self):
        instance = self._spawn()
        nw = network_model.NetworkInfo([])
        self.driver.pause(instance)
        self.assertEqual(power_state.PAUSED, self._state(instance))
        self.driver.unpause(instance)
        self.assertEqual(power_state.RUNNING, self._state(instance))
        self.driver.suspend(self.ctxt, instance)
        self.assertEqual(power_state.SUSPENDED, self._state(instance))
        self.driver.resume(self.ctxt, instance, nw)
        self.assertEqual(power_state.RUNNING, self._state(instance))
        started = self._container(instance)["State"]["StartedAt"]
        self.driver.reboot(self.ctxt, instance, nw, "SOFT")
        soft = self._container(instance)["State"]["StartedAt"]
        self.driver.reboot(self.ctxt, instance, nw, "HARD")
        hard = self._container(instance)["State"]["StartedAt"]
        self.assertTrue(started < soft < hard)
        self.driver.power_off(instance, timeout=5)
        self.assertEqual(power_state.SHUTDOWN, self._state(instance))
        self.driver.power_on(self.ctxt, instance, nw)
        self.assertEqual(power_state.RUNNING, self._state(instance))
        self.driver.soft_delete(instance)
        self.assertEqual(power_state.SHUTDOWN, self._state(instance))
        self.driver.restore(instance)
        self.assertEqual(power_state.RUNNING, self._state(instance))
        self.driver.destroy(self.ctxt, instance, nw)
        self.driver.destroy(self.ctxt, instance, nw)  # idempotent
        self.assertEqual([], self._containers_of(instance))
        self.assertRaises(exception.InstanceNotFound, self.driver.get_info, instance)

    def test_a_crash_is_shutdown_with_its_exit_code_in_the_console(self):
        self.glance.update(self.ctxt, BASE, {"properties": {
            "os_command_line": "sh -c 'sleep 0.5; exit 7'"}})
        instance = self._spawn(image=BASE)
        self.engine.wait(self._container(instance)["Id"], timeout=10)
        self.assertEqual(power_state.SHUTDOWN, self._state(instance))
        self.assertIn("[container exited with code 7",
                      self.driver.get_console_output(self.ctxt, instance))

    def test_resume_state_on_host_boot_restarts_stopped_container(self):
        instance = self._spawn()
        self.engine.kill(self._container(instance)["Id"])  # as an engine restart does
        self.assertNotEqual(power_state.RUNNING, self._state(instance))
        self.driver.resume_state_on_host_boot(self.ctxt, instance,
                                              network_model.NetworkInfo([]), None)
        self.assertEqual(power_state.RUNNING, self._state(instance))

    def test_list_instances_is_one_engine_call(self):
        instance = self._spawn()
        with count_calls(self.engine, "send") as send:
            names = self.driver.list_instances()
            uuids = self.driver.list_instance_uuids()
        self.assertEqual(2, send.call_count)
        self.assertIn(instance.name, names)
        self.assertIn(instance.uuid, uuids)

    def test_diagnostics(self):
        instance = self._spawn()
        diags = self.driver.get_diagnostics(instance)
        self.assertEqual(64 * 2 ** 20, diags["memory_limit"])
        self.assertGreater(diags["cpu_time_ns"], 0)
        info = self.driver.get_instance_diagnostics(instance)
        self.assertEqual("running", info.state)
        self.assertEqual(64, info.memory_details.maximum)

    # -- snapshot ---------------------------------------------------------------------

    def test_snapshot_streams_to_glance_and_boots_again(self):
        instance = self._spawn(user_data=base64.b64encode(b"password: s3cret\n").decode(),
                               injected_files=[("/etc/nova/key", b"injected-s3cret")])
        self.assertEqual("injected-s3cret", self._exec(instance, ["cat", "/etc/nova/key"])[1])
        self._exec(instance, ["sh", "-c", "echo snapshotted > /www/mark"])
        # Nova copies the source image's properties into the snapshot record.
        snap = self.glance.create(self.ctxt, {"name": "snap", "container_format": "bare",
                                              "properties": {
                                                  "image_type": "snapshot",
                                                  "docker_reference_only": "true",
                                                  "docker_reference": "reg/repo:tag",
                                                  "docker_manifest_digest": "sha256:1"}})
        saved = os.path.join(self.useFixture(fixtures.TempDir()).path, "snap.tar")
        real_update = self.glance.update

        def update(context, image_id, metadata, data=None, purge_props=False):
            self.assertFalse(isinstance(data, bytes | bytearray))  # streamed, not copied
            with open(saved, "wb") as handle:
                for chunk in iter(lambda: data.read(65536), b""):
                    handle.write(chunk)
            self.assertTrue(purge_props)  # as Glance does it: other properties go
            self.glance.images[image_id]["properties"] = {}
            return real_update(context, image_id, metadata)

        states = []
        with mock.patch.object(self.glance, "update", side_effect=update):
            self.driver.snapshot(self.ctxt, instance, snap["id"],
                                 lambda **kw: states.append(kw["task_state"]))
        self.assertEqual([task_states.IMAGE_PENDING_UPLOAD, task_states.IMAGE_UPLOADING],
                         states)
        record = self.glance.show(self.ctxt, snap["id"])
        self.assertEqual("docker", record["container_format"])
        self.assertEqual("snapshot", record["properties"]["image_type"])
        self.assertFalse({"docker_reference_only", "docker_reference",
                          "docker_manifest_digest"} & set(record["properties"]))
        committed = record["properties"]["docker_image_id"]
        self.assertIsNone(self.driver.images.present(committed))  # nothing left behind
        # Boot from the snapshot's data: the image must be loaded from the tarball.
        boot_id = "aaaaaaaa-0000-4000-8000-00000000000a"
        with open(saved, "rb") as data:
            self.glance.create(None, tb.glance_record(boot_id, saved), data=data)
        self.addCleanup(self._remove_image, committed)
        clone = self._spawn(image=boot_id)
        self.assertEqual(committed, self._container(clone)["Image"])
        self.assertEqual("snapshotted\n", self._exec(clone, ["cat", "/www/mark"])[1])
        # user_data lived on the instance's own volume: not in the snapshot.
        self.assertEqual(1, self._exec(clone, ["test", "-e", "/var/lib/cloud/seed/nocloud/"
                                               "user-data"])[0])
        # Injected files were read-only bind mounts: not in the snapshot either.
        self.assertNotIn("injected-s3cret", self._exec(clone, ["cat", "/etc/nova/key"])[1])
        self.driver.destroy(self.ctxt, instance, network_model.NetworkInfo([]))

    def _remove_image(self, image_id):
        for container in self.engine.list_containers(filters={"ancestor": image_id}):
            self.engine.remove_container(container["Id"], timeout=0)
        with contextlib.suppress(errors.NotFound):
            self.engine.remove_image(image_id)

    def test_snapshot_of_missing_instance(self):
        self.assertRaises(exception.InstanceNotRunning, self.driver.snapshot, self.ctxt,
                          self._instance(), "x", lambda **kw: None)


def _tap_vif(number=1):
    """A Neutron port of type tap: plugging it needs no bridge on this host."""
    port = f"aaaaaaaa-1111-4000-8000-{number:012d}"
    return network_model.VIF(id=port, address=f"fa:16:3e:00:00:{number:02x}", type="tap",
                             devname=f"tap{port[-11:]}",
                             network=network_model.Network(id="net", subnets=[]))
