"""nova.conf ``[docker]`` options of the Docker compute driver."""

from oslo_config import cfg

from openstack_docker.conf import endpoint_opts

docker_group = cfg.OptGroup("docker", title="Docker compute driver",
                            help="How nova_docker reaches its Docker engine and runs "
                                 "instances as containers.")

docker_opts = endpoint_opts()

ALL_OPTS = docker_opts


def register_opts(conf):
    conf.register_group(docker_group)
    conf.register_opts(ALL_OPTS, group=docker_group)


def list_opts():
    return [(docker_group, ALL_OPTS)]
