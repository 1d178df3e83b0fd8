"""magnum_lite ``[docker]`` options."""

from oslo_config import cfg

from openstack_docker.conf import endpoint_opts

docker_group = cfg.OptGroup("docker", title="magnum_lite Docker access",
                            help="How magnum_lite reaches Docker hosts that are not "
                                 "given their own endpoint.")

docker_opts = endpoint_opts()

ALL_OPTS = docker_opts


def register_opts(conf):
    conf.register_group(docker_group)
    conf.register_opts(ALL_OPTS, group=docker_group)


def list_opts():
    return [(docker_group, ALL_OPTS)]
