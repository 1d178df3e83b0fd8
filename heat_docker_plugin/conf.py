"""heat.conf ``[docker_plugin]`` options of the Docker resources.

Besides the default endpoint, the group holds the operator's policy: a template is a
user's input, so anything that gives a container power over the host (privileged mode,
host paths, devices, added capabilities) is refused unless the operator allows it here.
"""

from oslo_config import cfg

from openstack_docker.conf import endpoint_opts

docker_group = cfg.OptGroup("docker_plugin", title="Heat Docker resources",
                            help="Default Docker endpoint and operator policy for the "
                                 "DockerInc::Docker::* resources.")

docker_opts = endpoint_opts()

policy_opts = [
    cfg.BoolOpt("allow_privileged", default=False,
                help="Let templates run privileged containers (property 'privileged'). "
                     "A privileged container owns the host."),
    cfg.ListOpt("allowed_host_paths", default=[],
                help="Host directories (prefixes) templates may bind-mount through the "
                     "'volumes' property, e.g. /srv/heat-data. Empty: no host path."),
    cfg.ListOpt("allowed_devices", default=[],
                help="Host device paths templates may map through 'devices', e.g. "
                     "/dev/fuse. Empty: no device."),
    cfg.ListOpt("allowed_capabilities", default=[],
                help="Linux capabilities templates may add through 'cap_add' (without "
                     "the CAP_ prefix, e.g. NET_ADMIN). ALL allows any. Empty: none."),
]

ALL_OPTS = docker_opts + policy_opts


def register_opts(conf):
    conf.register_group(docker_group)
    conf.register_opts(ALL_OPTS, group=docker_group)


def list_opts():
    return [(docker_group, ALL_OPTS)]
