"""heat.conf ``[docker_plugin]`` options of the Docker resources."""

from oslo_config import cfg

from openstack_docker.conf import endpoint_opts

docker_group = cfg.OptGroup("docker_plugin", title="Heat Docker resources",
                            help="Default Docker endpoint and operator policy for the "
                                 "DockerInc::Docker::* resources.")

docker_opts = endpoint_opts()

ALL_OPTS = docker_opts


def register_opts(conf):
    conf.register_group(docker_group)
    conf.register_opts(ALL_OPTS, group=docker_group)


def list_opts():
    return [(docker_group, ALL_OPTS)]
