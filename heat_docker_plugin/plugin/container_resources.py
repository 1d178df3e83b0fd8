"""Heat plugin module: the only file in the directory named in heat.conf plugin_dirs.

Heat imports every module of its plugin_dirs and registers what ``resource_mapping()``
returns; the resource code itself lives in the installed heat_docker_plugin package.
"""

from heat_docker_plugin.resources.container import DockerContainer
from heat_docker_plugin.resources.network import DockerNetwork
from heat_docker_plugin.resources.volume import DockerVolume


def resource_mapping():
    return {
        "DockerInc::Docker::Container": DockerContainer,
        "DockerInc::Docker::Network": DockerNetwork,
        "DockerInc::Docker::Volume": DockerVolume,
    }
