"""Tenants stay apart on a shared engine: a container may only join, mount, link to or
take volumes from what Heat created for its own stack; everything carries the stack label.

Each refusal is checked at create time (only the engine knows what a name is), fails the
create naming the property, and leaves nothing behind.
"""

from heat_docker_plugin.references import STACK_LABEL
from openstack_docker import errors
from tests.functional.heat_docker_plugin import base
from tests.functional.heat_docker_plugin.test_app import update


class TestStackIsolation(base.HeatDockerTestCase):

    def other_stack(self):
        """A tenant's stack: a network, a volume and a container that links nothing."""
        return self.create({"heat_template_version": "2018-08-31", "resources": {
            "net": {"type": "DockerInc::Docker::Network"},
            "vol": {"type": "DockerInc::Docker::Volume"},
            "secret": {"type": "DockerInc::Docker::Container",
                       "properties": {"image": base.image("sleeper"), "stop_timeout": 0,
                                      "name": f"{self.prefix}-secret",
                                      "env": ["PASSWORD=other-tenant"],
                                      "networks": [{"network": {"get_resource": "net"}}],
                                      "mounts": [{"volume": {"get_resource": "vol"},
                                                  "target": "/data"}]}}}},
            name=f"{self.prefix}-other")

    def one(self, **props):
        return {"heat_template_version": "2018-08-31", "resources": {"c": {
            "type": "DockerInc::Docker::Container",
            "properties": {"image": base.image("sleeper"), "stop_timeout": 0, **props}}}}

    def assert_refused(self, props, prop, fragment="does not belong to this stack"):
        before = self.heat_objects()
        stk = self.stack(self.one(**props))
        stk.validate()  # nothing wrong in the text: only the engine can tell
        stk.create()
        self.assertEqual((stk.CREATE, stk.FAILED), stk.state, stk.status_reason)
        self.assertIn(f"{prop}: ", stk.status_reason)
        self.assertIn(fragment, stk.status_reason)
        self.assertEqual(before, self.heat_objects())

    def test_everything_carries_the_stack_label(self):
        other = self.other_stack()
        api = self.engine
        found = [api.inspect_container(other["secret"].resource_id)["Config"]["Labels"],
                 api.inspect_network(other["net"].resource_id)["Labels"],
                 api.inspect_volume(other["vol"].resource_id)["Labels"]]
        self.assertEqual({other.id}, {labels[STACK_LABEL] for labels in found})

    def test_references_to_another_stack_are_refused(self):
        other = self.other_stack()
        secret = other["secret"].resource_id
        for props, prop in [
                ({"networks": [{"network": other["net"].resource_id}]}, "networks"),
                ({"networks": [{"network": other["net"].FnGetAtt("name")}]}, "networks"),
                ({"mounts": [{"volume": other["vol"].resource_id, "target": "/x"}]},
                 "mounts"),
                ({"links": {secret: "peer"}}, "links"),
                ({"links": {f"{self.prefix}-secret": "peer"}}, "links"),
                ({"volumes_from": [f"{self.prefix}-secret:ro"]}, "volumes_from")]:
            with self.subTest(prop=prop, props=props):
                self.assert_refused(props, prop)

    def test_objects_heat_did_not_create_are_refused(self):
        name = f"{self.prefix}-foreign"
        network = self.engine.create_network(name, resource_id=name)  # owner "test"
        self.addCleanup(self.engine.remove_network, network)
        volume = self.engine.create_volume(name, resource_id=name)
        self.addCleanup(self.engine.remove_volume, volume)
        self.assert_refused({"networks": [{"network": name}]}, "networks")
        self.assert_refused({"mounts": [{"volume": name, "target": "/x"}]}, "mounts")
        self.assertEqual(0, len(self.engine.inspect_network(network)["Containers"]))

    def test_a_missing_volume_is_refused_not_created(self):
        name = f"{self.prefix}-nosuchvolume"
        self.assert_refused({"mounts": [{"volume": name, "target": "/x"}]}, "mounts",
                            "does not exist")
        with self.assertRaises(errors.NotFound):
            self.engine.inspect_volume(name)

    def test_own_objects_and_the_default_bridge_are_fine(self):
        p = self.prefix
        stk = self.create({"heat_template_version": "2018-08-31", "resources": {
            "net": {"type": "DockerInc::Docker::Network"},
            "vol": {"type": "DockerInc::Docker::Volume"},
            "first": {"type": "DockerInc::Docker::Container",
                      "properties": {"image": base.image("sleeper"), "stop_timeout": 0,
                                     "name": f"{p}-first", "volumes": {"/anon": {}}}},
            "second": {"type": "DockerInc::Docker::Container",
                       "depends_on": ["first"],
                       "properties": {
                           "image": base.image("sleeper"), "stop_timeout": 0,
                           "links": {f"{p}-first": "first"},
                           "volumes_from": [f"{p}-first:ro"],
                           "networks": [{"network": "bridge"},
                                        {"network": {"get_resource": "net"}}],
                           "mounts": [{"volume": {"get_resource": "vol"},
                                       "target": "/data"}]}}}})
        code, out = self.heat_engine.exec_run(stk["second"].resource_id,
                                       ["sh", "-c", "ls -d /anon /data && "
                                                    "grep -w first /etc/hosts"])
        self.assertEqual(0, code, out)
        networks = self.inspect(stk["second"].resource_id)["NetworkSettings"]["Networks"]
        self.assertEqual({"bridge", stk["net"].FnGetAtt("name")}, set(networks))

    def test_update_cannot_join_another_stacks_network(self):
        other = self.other_stack()
        template = self.one(networks=[{"network": {"get_resource": "net"}}],
                            cpu_shares=256)
        template["resources"]["net"] = {"type": "DockerInc::Docker::Network"}
        stk = self.create(template)
        container = stk["c"].resource_id
        props = template["resources"]["c"]["properties"]
        props["networks"].append({"network": other["net"].resource_id})
        props["cpu_shares"] = 512
        stk = update(stk, template)
        self.assertEqual((stk.UPDATE, stk.FAILED), stk.state)
        self.assertIn("networks: ", stk.status_reason)
        self.assertIn("does not belong to this stack", stk.status_reason)
        info = self.inspect(container)  # nothing changed: the check came first
        self.assertEqual({stk["net"].resource_id},
                         {net["NetworkID"] for net in
                          info["NetworkSettings"]["Networks"].values()})
        self.assertEqual(256, info["HostConfig"]["CpuShares"])
