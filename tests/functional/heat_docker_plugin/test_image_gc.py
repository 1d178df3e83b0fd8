"""Images Heat pulled are removed once no container uses them
(``[docker_plugin] remove_unused_images_after``), checked at container deletes.

The image is the testbed's sleeper plus a unique label, pushed to the testbed registry
and absent from the engine, so Heat's pull really brings it in.
"""

import uuid

from heat_docker_plugin import connection
from heat_docker_plugin.image_gc import _records
from tests.common import testbed, unique_images
from tests.functional.heat_docker_plugin import base


class TestImageGC(base.HeatDockerTestCase):

    def setUp(self):
        super().setUp()
        self.reference = f"{testbed.registry()}/heat-gc-test/sleeper:{uuid.uuid4().hex[:8]}"
        self.image_id = unique_images.build(self.engine, base.image("sleeper"),
                                            self.reference)
        self.addCleanup(unique_images.remove, self.engine, self.image_id)
        unique_images.push(self.engine, self.reference)
        self.addCleanup(unique_images.delete_pushed, self.reference)
        unique_images.remove(self.engine, self.image_id)

    def template(self, image, count=1):
        return {"heat_template_version": "2018-08-31", "resources": {
            f"app{n}": {"type": "DockerInc::Docker::Container",
                        "properties": {"image": image, "stop_timeout": 0}}
            for n in range(count)}}

    def present(self):
        return unique_images.present(self.engine, self.image_id)

    def recorded(self):
        return _records().image_ids(self.engine)

    def test_pulled_image_removed_when_its_last_container_is_deleted(self):
        self.policy(remove_unused_images_after=0)
        first = self.create(self.template(self.reference))
        second = self.create(self.template(self.reference, count=2))
        self.assertEqual([self.image_id], self.recorded())
        first.delete()
        self.assertEqual((first.DELETE, first.COMPLETE), first.state, first.status_reason)
        self.assertTrue(self.present())  # the second stack's containers use it
        second.delete()
        self.assertEqual((second.DELETE, second.COMPLETE), second.state)
        self.assertFalse(self.present())
        self.assertEqual([], self.recorded())

    def test_recently_used_image_kept_until_old_enough(self):
        self.assertEqual(86400, connection.options().remove_unused_images_after)
        self.create(self.template(self.reference)).delete()
        self.assertTrue(self.present())
        self.assertEqual([self.image_id], self.recorded())

    def test_minus_one_never_removes(self):
        self.policy(remove_unused_images_after=-1)
        self.create(self.template(self.reference)).delete()
        self.assertTrue(self.present())

    def test_image_the_engine_had_is_never_removed(self):
        self.policy(remove_unused_images_after=0)
        sleeper = self.engine.image_id(base.image("sleeper"))
        self.create(self.template(base.image("sleeper"))).delete()
        self.assertEqual([], self.recorded())
        self.assertEqual(sleeper, self.engine.image_id(base.image("sleeper")))
