"""magnum_lite options: one module so the sample and ``list_opts`` never drift."""

import os

from oslo_config import cfg
from oslo_db import options as db_options

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

default_opts = [
    cfg.StrOpt("state_path", default="/var/lib/magnum-lite",
               help="Directory for local state; the default sqlite database lives here."),
]

api_group = cfg.OptGroup("api", title="magnum_lite API service",
                         help="The Magnum-v1-compatible HTTP API.")

api_opts = [
    cfg.HostAddressOpt("host", default="127.0.0.1", help="Address the API listens on."),
    cfg.PortOpt("port", default=9511, help="Port the API listens on (Magnum's is 9511)."),
    cfg.IntOpt("workers", default=2, min=1, help="gunicorn worker processes."),
    cfg.StrOpt("auth_strategy", default="keystone", choices=["keystone", "noauth"],
               help="keystone: keystonemiddleware auth_token checks tokens and oslo.policy "
                    "decides. noauth: no token check, the project comes from the "
                    "X-Project-Id header or [api] noauth_project (standalone use only)."),
    cfg.StrOpt("noauth_project", default="default",
               help="Project of noauth requests that send no X-Project-Id header."),
    cfg.ListOpt("noauth_roles", default=["member"],
                help="Roles of noauth requests that send no X-Roles header; add 'admin' "
                     "for a single-operator standalone service."),
    cfg.IntOpt("max_limit", default=1000, min=1,
               help="Largest page a collection returns; also the page size when "
                    "the request gives no limit."),
]

conductor_group = cfg.OptGroup("conductor", title="magnum_lite conductor",
                               help="The worker that runs cluster operations.")

conductor_opts = [
    cfg.StrOpt("driver", default="swarm-mode",
               help="Cluster driver: an entry point name in magnum_lite.drivers or a "
                    "'module:Class' path."),
    cfg.StrOpt("hosts_loader", default="magnum_lite.hosts:load",
               help="'module:function' returning the operator's Docker hosts, "
                    "called with the config object."),
    cfg.FloatOpt("poll_interval", default=1.0, min=0.05,
                 help="Seconds between looks for queued operations."),
    cfg.StrOpt("wakeup_socket", default="$state_path/conductor.sock",
               help="Unix datagram socket the conductor listens on and the API rings after "
                    "queueing an operation, so that it starts at once rather than at the "
                    "next poll (same host only; empty: poll only)."),
    cfg.IntOpt("lease_seconds", default=60, min=1,
               help="How long a claimed operation is owned before another conductor may "
                    "take it over; renewed while it runs."),
    cfg.IntOpt("max_attempts", default=2, min=1,
               help="Claims of one operation (a crash ends one) before it is marked "
                    "failed instead of resumed."),
    cfg.FloatOpt("health_interval", default=60.0, min=0,
                 help="Seconds between health polls of complete clusters; 0 disables."),
    cfg.FloatOpt("heartbeat_interval", default=10.0, min=0.1,
                 help="Seconds between service heartbeats (what 'coe service list' shows)."),
    cfg.IntOpt("service_down_time", default=60, min=1,
               help="A service without a heartbeat for this many seconds is 'down'."),
    cfg.FloatOpt("timeout_unit_seconds", default=60.0, min=0.01,
                 help="Seconds per unit of a cluster's create_timeout (Magnum: minutes). "
                      "Tests lower it; operators leave it at 60."),
]

quotas_group = cfg.OptGroup("quotas", title="magnum_lite quotas")

quotas_opts = [
    cfg.IntOpt("max_clusters_per_project", default=20, min=0,
               help="Clusters a project may have when no quota is stored for it."),
    cfg.IntOpt("max_containers_per_project", default=40, min=0,
               help="Containers (Zun-compatible API) a project may have (Zun's default "
                    "containers quota is 40)."),
]

containers_group = cfg.OptGroup("containers", title="Containers on clusters",
                                help="The Zun-v1-compatible containers API and the "
                                     "conductor work behind it.")

containers_opts = [
    cfg.HostAddressOpt("api_host", default="127.0.0.1",
                       help="Address the containers API listens on."),
    cfg.PortOpt("api_port", default=9517,
                help="Port of the containers API (Zun's is 9517): its own port, because "
                     "zunclient discovers versions at '/'."),
    cfg.IntOpt("api_workers", default=2, min=1,
               help="gunicorn worker processes of the containers API."),
    cfg.IntOpt("workers", default=8, min=1,
               help="Container actions (create, start, stop...) a conductor runs at once."),
    cfg.IntOpt("claim_batch", default=32, min=1,
               help="Pending container actions a conductor claims in one pass."),
    cfg.FloatOpt("reconcile_interval", default=2.0, min=0.1,
                 help="Seconds between passes that set every container's status from "
                      "its swarm task (and remove services no container owns)."),
    cfg.IntOpt("node_timeout", default=5, min=1,
               help="Seconds to wait for a cluster node's engine (pause, kill, exec, logs, "
                    "paused containers) before it counts as unreachable."),
]

GROUPS = ((None, default_opts), (docker_group, docker_opts), (api_group, api_opts),
          (conductor_group, conductor_opts), (quotas_group, quotas_opts),
          (containers_group, containers_opts),
          (hosts_group, hosts_opts), (tls_group, tls_opts), (swarm_group, swarm_opts))


def register_opts(conf):
    for group, opts in GROUPS:
        if group is not None:
            # A new OptGroup per ConfigOpts: oslo.config copies a registered group only
            # shallowly, so sharing ours would share its options' overrides (and values set
            # with set_override) between every ConfigOpts of the process.
            group = cfg.OptGroup(group.name, title=group.title, help=group.help)
            conf.register_group(group)
        conf.register_opts(opts, group=group)
    db_options.set_defaults(conf)


def default_connection(conf):
    """The sqlite URL under state_path used when [database] connection is unset."""
    return "sqlite:///" + os.path.join(conf.state_path, "magnum-lite.sqlite")


def list_opts():
    """Ours, plus the library options magnum_lite reads (one sample for operators)."""
    from keystonemiddleware import auth_token
    from oslo_policy import opts as policy_opts

    return ([(group, opts) for group, opts in GROUPS] + db_options.list_opts()
            + policy_opts.list_opts() + auth_token.list_opts())
