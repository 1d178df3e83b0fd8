"""Which images Heat records when it pulls, and that the removal never fails a delete."""

from unittest import mock

import fixtures
import testtools
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from heat_docker_plugin import connection, image_gc
from openstack_docker import errors
from tests.unit.openstack_docker.test_images_retention import FakeEngine

REPOSITORY = "registry.example:5000/app"
REFERENCE = f"{REPOSITORY}:1"
DIGEST = "sha256:" + "d" * 64
PULLED, OTHER = (f"sha256:{digit * 64}" for digit in "12")


class PullingEngine(FakeEngine):
    """An engine where REFERENCE names ``tagged`` (None: absent) until a pull of it."""

    def __init__(self, images=(), tagged=None, upstream=PULLED):
        super().__init__(images)
        self.tagged, self.upstream = tagged, upstream

    def pull(self, reference, auth_config=None):
        self.image_set.add(self.upstream)
        self.tagged = self.upstream
        return DIGEST

    def image_id(self, reference):
        if reference == f"{REPOSITORY}@{DIGEST}":
            return self.upstream if self.upstream in self.image_set else None
        assert reference == REFERENCE
        return self.tagged


class TestImageGC(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.CONF))
        connection.options()
        self.conf.config(image_record_dir=self.useFixture(fixtures.TempDir()).path,
                         group="docker_plugin")

    def ensure(self, engine, policy):
        image_gc.ensure_image(engine, REFERENCE, policy)
        return engine

    def test_pull_of_an_absent_image_is_recorded(self):
        engine = self.ensure(PullingEngine(), "ifnotpresent")
        self.assertEqual([PULLED], image_gc._records().image_ids(engine))

    def test_present_image_is_not_recorded_whatever_the_policy(self):
        for policy in ("ifnotpresent", "always", "never"):
            engine = self.ensure(PullingEngine({PULLED}, tagged=PULLED), policy)
            self.assertEqual([], image_gc._records().image_ids(engine))

    def test_never_with_an_absent_image_records_nothing(self):
        with testtools.ExpectedException(errors.ImageMissing):
            self.ensure(PullingEngine(), "never")
        self.assertEqual([], image_gc._records().image_ids(PullingEngine()))

    def test_always_moving_the_tag_records_only_the_new_image(self):
        engine = self.ensure(PullingEngine({OTHER}, tagged=OTHER), "always")
        self.assertEqual([PULLED], image_gc._records().image_ids(engine))

    def test_no_record_dir_means_no_listing(self):
        self.conf.config(image_record_dir="", group="docker_plugin")
        api = PullingEngine()
        api.list_image_ids = None  # a listing would fail
        self.ensure(api, "ifnotpresent")
        self.assertEqual([], image_gc.prune(api))

    def test_prune_honours_the_age_and_minus_one(self):
        engine = self.ensure(PullingEngine(), "ifnotpresent")
        self.assertEqual(86400, connection.options().remove_unused_images_after)
        self.assertEqual([], image_gc.prune(engine))
        self.conf.config(remove_unused_images_after=-1, group="docker_plugin")
        self.assertEqual([], image_gc.prune(engine))
        self.conf.config(remove_unused_images_after=0, group="docker_plugin")
        self.assertEqual([PULLED], image_gc.prune(engine))

    def test_prune_never_fails_the_delete(self):
        engine = self.ensure(PullingEngine(), "ifnotpresent")
        self.conf.config(remove_unused_images_after=0, group="docker_plugin")
        with mock.patch.object(engine, "images_in_use",
                               side_effect=errors.EngineUnreachable("down")):
            self.assertEqual([], image_gc.prune(engine))
        self.assertEqual([PULLED], image_gc._records().image_ids(engine))
