"""magnum_lite options: ``[docker]``, ``[hosts]``, ``[tls]`` and ``[swarm]``."""

from oslo_config import cfg

from openstack_docker.conf import endpoint_opts

docker_group = cfg.OptGroup("docker", title="magnum_lite Docker access",
                            help="How magnum_lite reaches Docker hosts that are not "
                                 "given their own endpoint.")

docker_opts = endpoint_opts()

hosts_group = cfg.OptGroup("hosts", title="Docker hosts for clusters",
                           help="The Docker hosts the operator gives magnum_lite; "
                                "clusters are made of them.")

hosts_opts = [
    cfg.StrOpt("hosts_file",
               help="YAML file listing the Docker hosts: a list (or a mapping with key "
                    "'hosts' holding the list) of entries with name, endpoint "
                    "(unix:///path or tcp://host:port), advertise_address (the IP other "
                    "swarm nodes reach the host on; defaults to the endpoint's IP), "
                    "ca_cert, client_cert, client_key (PEM files for a TLS endpoint) and "
                    "labels (string to string)."),
]

tls_group = cfg.OptGroup("tls", title="Cluster TLS",
                         help="The CA the hosts' engines trust: magnum_lite hands its "
                              "certificate to users and signs their client "
                              "certificates with it.")

tls_opts = [
    cfg.StrOpt("ca_cert", help="PEM certificate of the CA the hosts' engines trust "
                               "(dockerd --tlscacert)."),
    cfg.StrOpt("ca_key", secret=True,
               help="PEM private key of ca_cert (unencrypted; readable only by "
                    "magnum_lite)."),
    cfg.IntOpt("cert_validity_days", default=30, min=1, max=825,
               help="Validity of the client certificates signed for users."),
    cfg.PortOpt("api_port", default=2376,
                help="TLS port of the engine on a cluster's first manager, used for the "
                     "cluster's api_address when the host's endpoint is not tcp://."),
]

swarm_group = cfg.OptGroup("swarm", title="Swarm-mode clusters",
                           help="Timeouts of the swarm-mode driver.")

swarm_opts = [
    cfg.IntOpt("engine_timeout", default=30, min=1,
               help="Seconds to wait for one engine API call on a cluster host."),
    cfg.IntOpt("join_timeout", default=60, min=1,
               help="Seconds to wait for joined nodes to report Ready."),
    cfg.IntOpt("drain_timeout", default=120, min=1,
               help="Seconds to wait for the tasks of a drained node to move elsewhere "
                    "before it leaves (resize down)."),
    cfg.IntOpt("leave_timeout", default=60, min=1,
               help="Seconds to wait for a deleted cluster's service tasks to stop and "
                    "for nodes that left to be seen down."),
    cfg.IntOpt("heartbeat_period", default=5, min=1,
               help="Swarm dispatcher heartbeat period (seconds) of new clusters; a node "
                    "is seen down after a few missed heartbeats."),
]

ALL_OPTS = docker_opts


def register_opts(conf):
    conf.register_group(docker_group)
    conf.register_opts(ALL_OPTS, group=docker_group)
    for group, opts in ((hosts_group, hosts_opts), (tls_group, tls_opts),
                        (swarm_group, swarm_opts)):
        conf.register_group(group)
        conf.register_opts(opts, group=group)


def list_opts():
    return [(docker_group, ALL_OPTS), (hosts_group, hosts_opts), (tls_group, tls_opts),
            (swarm_group, swarm_opts)]
