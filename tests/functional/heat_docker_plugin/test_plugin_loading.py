"""Heat finds the resources the way an operator installs them: heat.conf plugin_dirs set
to the directory ``heat-docker-plugin-dir`` prints."""

import contextlib
import io
import os

from heat.engine import plugin_manager, resources
from heat.tests import common
from oslo_config import cfg

from heat_docker_plugin import cmd
from heat_docker_plugin.resources.container import DockerContainer
from heat_docker_plugin.resources.network import DockerNetwork
from heat_docker_plugin.resources.volume import DockerVolume
from tests.functional.heat_docker_plugin import base

TYPES = {"DockerInc::Docker::Container": DockerContainer,
         "DockerInc::Docker::Network": DockerNetwork,
         "DockerInc::Docker::Volume": DockerVolume}


class TestPluginLoading(common.HeatTestCase):

    def setUp(self):
        base.setup_heat(self)

    def plugin_dir(self):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(0, cmd.main([]))
        return out.getvalue().strip()

    def test_console_script_prints_a_directory_with_one_module(self):
        directory = self.plugin_dir()
        self.assertEqual(["container_resources.py"],
                         sorted(f for f in os.listdir(directory) if f.endswith(".py")))

    def test_heat_plugin_manager_loads_the_resources(self):
        cfg.CONF.set_override("plugin_dirs", [self.plugin_dir()])
        manager = plugin_manager.PluginManager()
        mapping = plugin_manager.PluginMapping(["available_resource", "resource"])
        self.assertEqual(TYPES, dict(mapping.load_all(manager)))

    def test_global_environment_registers_the_types(self):
        cfg.CONF.set_override("plugin_dirs", [self.plugin_dir()])
        saved = resources._environment
        self.addCleanup(setattr, resources, "_environment", saved)
        resources._environment = None
        resources.initialise()
        env = resources.global_env()
        for type_name, cls in TYPES.items():
            self.assertIs(cls, env.get_class(type_name))
