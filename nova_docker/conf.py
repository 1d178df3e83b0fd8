"""nova.conf ``[docker]`` options of the Docker compute driver."""

from oslo_config import cfg

from openstack_docker.conf import endpoint_opts

docker_group = cfg.OptGroup("docker", title="Docker compute driver",
                            help="How nova_docker reaches its Docker engine and runs "
                                 "instances as containers.")

docker_opts = endpoint_opts()

driver_opts = [
    cfg.StrOpt("image_cache_dir", default="$instances_path/_docker_images",
               help="Where Glance image data (docker save tarballs) is cached, one file "
                    "per Glance image id, verified by Glance's checksum."),
    cfg.IntOpt("stop_timeout", default=10, min=0,
               help="Seconds a container gets to stop after SIGTERM (power off, soft "
                    "reboot) when Nova gives no timeout, before SIGKILL."),
    cfg.IntOpt("console_log_lines", default=500, min=1,
               help="Lines of container output returned as the instance console log."),
    cfg.IntOpt("console_log_bytes", default=256 * 1024, min=1024,
               help="Most bytes of container output returned as the console log (the "
                    "end of it): one long line must not make a huge answer."),
    cfg.IntOpt("fault_log_lines", default=20, min=1,
               help="Last log lines of a container that stopped on its own written to "
                    "the compute log with its exit code."),
    cfg.BoolOpt("cpu_quota", default=True,
                help="Cap each container at its flavor's vCPUs with a CFS quota (in "
                     "addition to cpu shares proportional to vCPUs)."),
    cfg.IntOpt("orphan_grace_seconds", default=60, min=0,
               help="The image cache periodic task removes containers of this host "
                    "whose instance is not on this host (left by a spawn that failed "
                    "while the engine was down, across a nova-compute restart) once they "
                    "are this old: a container created while the task runs may belong "
                    "to an instance Nova had not yet placed here when it listed them."),
    cfg.StrOpt("cloud_seed_dir", default="/var/lib/cloud/seed/nocloud",
               help="Directory inside the container that receives the instance's "
                    "user_data (file user-data) and meta-data (file meta-data), the "
                    "cloud-init NoCloud layout. With user_data it is a volume of the "
                    "container's own, so snapshots never contain user_data."),
]

network_opts = [
    cfg.StrOpt("ovsdb_connection", default="unix:/run/openvswitch/db.sock",
               help="OVSDB server of the Open vSwitch that ``ovs`` VIFs (ML2/OVN, "
                    "ML2/OVS) are plugged into: unix:PATH or tcp:IP:PORT."),
    cfg.IntOpt("ovsdb_timeout", default=10, min=1,
               help="Seconds an OVSDB transaction (adding or removing a port) may take."),
    cfg.StrOpt("docker_network",
               help="Docker network (name or id, created beforehand) that an instance "
                    "joins, with its hostname as alias, when Nova gives it no VIF (no "
                    "Neutron port, `--nic none`). Unset: such instances get no network. "
                    "Instances with VIFs always get exactly their Neutron ports."),
]

ALL_OPTS = docker_opts + driver_opts + network_opts


def register_opts(conf):
    conf.register_group(docker_group)
    conf.register_opts(ALL_OPTS, group=docker_group)


def list_opts():
    return [(docker_group, ALL_OPTS)]
