"""Servers booted through Nova's REST API (API, conductor, scheduler, placement and
compute in-process on sqlite) with the Docker driver on the real engine and the
testbed's real Glance: Nova's GlanceFixture is replaced by Nova's real Glance client."""

import base64
import contextlib
import time

from nova.tests.functional.api import client as api_client

from nova_docker import seed
from openstack_docker import errors, labels
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import testbed
from tests.functional.nova_docker import fixtures as tb

DEAD = "unix:///nonexistent/nova-docker-test.sock"


class DockerNovaAPITestCase(tb.DockerAPITestBase):
    def _boot(self, image=None, expected_state="ACTIVE"):
        return self._create_server(image_uuid=image or self.server_image,
                                   flavor_id=self.flavor, networks="none",
                                   expected_state=expected_state)

    def _container(self, server):
        return self.engine.owned_container(f"nova-{server['id']}")

    def _containers(self, server):
        return self.engine.list_containers(all=True, resource_id=server["id"])

    def _action(self, server, action, state):
        self.api.post_server_action(server["id"], {action: None})
        return self._wait_for_state_change(server, state)

    def test_boot_lifecycle_snapshot_delete(self):
        server = self._boot()
        info = self._container(server)
        self.assertTrue(info["State"]["Running"])
        self.assertEqual(64 * 2 ** 20, info["HostConfig"]["Memory"])
        self.assertEqual(1024, info["HostConfig"]["CpuShares"])
        self.assertEqual(100000, info["HostConfig"]["CpuQuota"])

        self._stop_server(server)
        self.assertFalse(self._container(server)["State"]["Running"])
        self._start_server(server)
        self.assertTrue(self._container(server)["State"]["Running"])
        for hard in (False, True):
            before = self._container(server)["State"]["StartedAt"]
            self._reboot_server(server, hard=hard)
            self.assertNotEqual(before, self._container(server)["State"]["StartedAt"])
        self._action(server, "pause", "PAUSED")
        self.assertTrue(self._container(server)["State"]["Paused"])
        self._action(server, "unpause", "ACTIVE")
        self._suspend_server(server)
        self.assertTrue(self._container(server)["State"]["Paused"])
        self._resume_server(server)
        self.assertFalse(self._container(server)["State"]["Paused"])

        self.engine.exec_run(info["Id"], ["sh", "-c", "echo from-snapshot > /www/mark"])
        snapshot = self._snapshot(server)
        snapshot_id = snapshot["id"]
        self.assertEqual("docker", snapshot["container_format"])
        self.addCleanup(self._remove_image, snapshot["docker_image_id"])

        clone = self._boot(image=snapshot_id)
        clone_info = self._container(clone)
        self.assertEqual(snapshot["docker_image_id"], clone_info["Image"])
        self.assertEqual((0, "from-snapshot\n"),
                         self.engine.exec_run(clone_info["Id"], ["cat", "/www/mark"]))

        for each in (server, clone):
            self._delete_server(each)
            self.assertEqual([], self._containers(each))

    def _reference_only_image(self, name):
        """A Glance image without data pointing at testbed image ``name`` by digest, as
        the registry bridge makes them."""
        reference = testbed.image(name)
        repo_digest = self.engine.inspect_image(reference)["RepoDigests"][0]
        image = self.glance_client.images.create(
            name=f"nova-docker-test-ref-{name}", container_format="docker",
            disk_format="raw", docker_reference_only="true", docker_reference=reference,
            docker_manifest_digest=repo_digest.split("@")[1])
        self.addCleanup(self.glance_client.images.delete, image["id"])
        self.glance_client.images.upload(image["id"], b"")
        return image["id"]

    def test_snapshot_of_a_reference_only_instance_boots_without_user_data(self):
        request = self._build_server(image_uuid=self._reference_only_image("server"),
                                     flavor_id=self.flavor, networks="none")
        request["user_data"] = base64.b64encode(b"password: s3cret\n").decode()
        server = self._wait_for_state_change(self.api.post_server({"server": request}),
                                             "ACTIVE")
        seed = "/var/lib/cloud/seed/nocloud/user-data"
        self.assertEqual((0, "password: s3cret\n"),
                         self.engine.exec_run(self._container(server)["Id"], ["cat", seed]))
        snapshot = self._snapshot(server)
        # Nova copied the source's properties into the snapshot; none is left to make it
        # an image without data, or a pointer at the source's manifest.
        for key in ("docker_reference_only", "docker_reference", "docker_manifest_digest"):
            self.assertNotIn(key, snapshot)
        self.assertEqual(server["id"], snapshot["instance_uuid"])
        clone = self._boot(image=snapshot["id"])
        clone_info = self._container(clone)
        self.assertEqual(snapshot["docker_image_id"], clone_info["Image"])
        self.assertEqual(1, self.engine.exec_run(clone_info["Id"], ["test", "-e", seed])[0])
        for each in (server, clone):
            self._delete_server(each)
            self.assertEqual([], self._containers(each))
        self._remove_image(snapshot["docker_image_id"])

    def _snapshot(self, server):
        """createImage, then the active Glance image (deleted at cleanup)."""
        response = self.api.post_server_action(
            server["id"], {"createImage": {"name": "nova-docker-test-snapshot"}})
        self.addCleanup(self.glance_client.images.delete, response["image_id"])
        self._wait_for_server_parameter(server, {"OS-EXT-STS:task_state": None})
        return self._wait_for_image(response["image_id"])

    def _wait_for_image(self, image_id, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            image = self.glance_client.images.get(image_id)
            if image["status"] == "active" or time.monotonic() > deadline:
                self.assertEqual("active", image["status"])
                return image
            time.sleep(0.2)

    def _remove_image(self, image_id):
        with contextlib.suppress(errors.NotFound):
            self.engine.remove_image(image_id)

    def _fault(self, server):
        return self.api.get_server(server["id"]).get("fault", {}).get("message", "")

    def test_wrong_container_format_errors_and_leaves_nothing(self):
        bare = self._upload("bare", tb.saved_image("base"), container_format="bare")
        server = self._boot(image=bare, expected_state="ERROR")
        self.assertIn("container_format", self._fault(server))
        self.assertEqual([], self._containers(server))
        self._delete_server(server)

    def test_unknown_image_is_refused_by_the_api(self):
        exc = self.assertRaises(api_client.OpenStackApiException, self._create_server,
                                image_uuid="aaaaaaaa-0000-4000-8000-0000000000ff",
                                flavor_id=self.flavor, networks="none")
        self.assertIn("400", str(exc))

    def test_engine_down_during_spawn_then_back(self):
        driver = self.compute.manager.driver
        real = driver.engine
        real_install = seed.install

        def engine_dies(engine, *args, **kwargs):
            real_install(engine, *args, **kwargs)
            driver.engine = Engine(parse_endpoint(DEAD), owner=labels.NOVA)

        self.stub_out("nova_docker.seed.install", engine_dies)
        server = self._boot(expected_state="ERROR")
        # One compute host: the fault says the retries are exhausted; the compute's own
        # error, naming the endpoint, is in its log.
        self.assertIn("Exceeded maximum number of retries", self._fault(server))
        self.assertIn(f"Docker engine {DEAD} is unreachable", self.stdlog.logger.output)
        # The engine is back: the next periodic task removes what the spawn left (Nova
        # deletes an instance that failed to build without calling the driver), and
        # the same compute service boots again without a restart.
        driver.engine = real
        self.stub_out("nova_docker.seed.install", real_install)
        self._run_periodics()
        self.assertEqual([], self._containers(server))
        self._delete_server(server)
        again = self._boot()
        self.assertTrue(self._container(again)["State"]["Running"])
        self._delete_server(again)
        self.assertEqual([], self._containers(again))
