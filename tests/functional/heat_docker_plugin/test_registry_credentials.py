"""registry_username / registry_password against a real registry that wants them.

The registry is a private ``docker-registry`` (distribution 2.8, see
:mod:`tests.common.registry_fixture`): htpasswd Basic auth served over TLS with a CA
the Docker engine is given in /etc/docker/certs.d, or Bearer tokens from a token service the
registry trusts. It holds a copy of the testbed's sleeper
image that only it has under that name, so every stack here makes the engine pull with the
credentials Heat passes.
"""

import contextlib
import uuid

from openstack_docker import errors
from openstack_docker.endpoint import parse_endpoint
from openstack_docker.engine import Engine
from tests.common import registry_fixture, testbed
from tests.functional.heat_docker_plugin import base

REPOSITORY = "auth-test/sleeper"


class TestBasicAuthOverTLS(base.HeatDockerTestCase):
    """htpasswd Basic auth, HTTPS with the CA in /etc/docker/certs.d."""

    REGISTRY = {"tls": True}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.resources = contextlib.ExitStack()
        try:
            cls.registry = cls.resources.enter_context(registry_fixture.private_registry(
                users={"heat-user": "pw-" + uuid.uuid4().hex}, **cls.REGISTRY))
            engine = Engine(parse_endpoint(testbed.docker_url()), owner="test")
            cls.resources.callback(engine.close)
            tag = uuid.uuid4().hex[:8]
            cls.image_id = cls.registry.push_copy(engine, base.image("sleeper"), REPOSITORY,
                                                  tag)
            cls.reference = f"{cls.registry.address}/{REPOSITORY}:{tag}"
        except BaseException:
            cls.resources.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.resources.close()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.addCleanup(self.untag_pulled)

    def untag_pulled(self):
        """Remove the tag a pull made (only the tag: the image is the testbed's sleeper)."""
        with contextlib.suppress(errors.NotFound):
            self.engine.remove_image(self.reference)

    def template(self, **credentials):
        return {
            "heat_template_version": "2018-08-31",
            "parameters": {"registry_password": {"type": "string", "hidden": True}},
            "resources": {"app": {
                "type": "DockerInc::Docker::Container",
                "properties": {"image": self.reference, "image_pull_policy": "always",
                               "stop_timeout": 0, **credentials}}},
        }

    def with_password(self):
        return self.template(registry_username=self.registry.credentials[0],
                             registry_password={"get_param": "registry_password"})

    def assert_failed_leaving_nothing(self, stk, *expected):
        self.assertEqual((stk.CREATE, stk.FAILED), stk.state, stk.status_reason)
        for text in (self.registry.address, *expected):
            self.assertIn(text, stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())
        with self.assertRaises(errors.NotFound):
            self.engine.inspect_image(self.reference)

    def test_credentials_pull_the_image_and_the_container_runs(self):
        stk = self.create(self.with_password(),
                          params={"registry_password": self.registry.credentials[1]})
        info = self.inspect(stk["app"].resource_id)
        self.assertTrue(info["State"]["Running"])
        # Run by the id the pull resolved to, not by the name (doc/image-names.md).
        self.assertEqual(self.image_id, info["Config"]["Image"])
        self.assertEqual(self.image_id, info["Image"])
        self.assertEqual(self.image_id, self.engine.inspect_image(self.reference)["Id"])
        if self.registry.token_service:  # the engine got its token with these credentials
            self.assertIn((self.registry.credentials[0], [f"repository:{REPOSITORY}:pull"]),
                          self.registry.token_service.issued)
        stk.delete()
        self.assertEqual((stk.DELETE, stk.COMPLETE), stk.state, stk.status_reason)
        self.assertEqual(([], [], []), self.heat_objects())

    def test_wrong_password_fails_clearly_and_leaves_nothing(self):
        wrong = "wrong-" + uuid.uuid4().hex
        stk = self.stack(self.with_password(), params={"registry_password": wrong})
        stk.create()
        self.assert_failed_leaving_nothing(stk, "registry_username", "registry_password")
        self.assertNotIn(wrong, stk.status_reason)

    def test_no_credentials_fails_clearly_and_leaves_nothing(self):
        stk = self.stack(self.template(), params={"registry_password": ""})
        stk.create()
        self.assert_failed_leaving_nothing(stk, "registry_username", "registry_password")


class TestBearerToken(TestBasicAuthOverTLS):
    """Bearer tokens: the engine gets them from the token service with these credentials."""

    REGISTRY = {"token": True}
