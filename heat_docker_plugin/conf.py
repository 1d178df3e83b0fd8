"""heat.conf ``[docker_plugin]`` options of the Docker resources.

Besides the default endpoint, the group holds the operator's policy. A template is TENANT
input: anything that gives a container power over the host (privileged mode, host paths,
devices, added capabilities, volume driver options) or lets a template choose where Heat
connects or which Heat-host files it reads (endpoints, TLS files) is refused unless the
operator allows it here.
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
                help="Host directories templates may bind-mount (exactly, or any path "
                     "below them) through the 'volumes' property, e.g. /srv/heat-data. "
                     "Paths with '..' are refused. The engine follows symlinks when it "
                     "mounts, and Heat cannot see a remote engine's file system: a "
                     "container that can WRITE into an allowed directory can plant a "
                     "symlink there (to /) that a later bind of a path below it follows. "
                     "List only directories no container can write (bind them read-only, "
                     "or fill them from the host). Empty: no host path."),
    cfg.ListOpt("allowed_devices", default=[],
                help="Host device paths templates may map through 'devices', e.g. "
                     "/dev/fuse. Empty: no device."),
    cfg.ListOpt("allowed_capabilities", default=[],
                help="Linux capabilities templates may add through 'cap_add' (without "
                     "the CAP_ prefix, e.g. NET_ADMIN). ALL allows any. Empty: none."),
    cfg.ListOpt("allowed_volume_drivers", default=["local"],
                help="Volume drivers DockerInc::Docker::Volume may use (property "
                     "'driver')."),
    cfg.BoolOpt("allow_volume_driver_opts", default=False,
                help="Let templates pass any 'driver_opts' to volume drivers. Off, only "
                     "the local driver's tmpfs (type: tmpfs, device: tmpfs, o: size/mode/"
                     "uid/gid/nr_inodes) and bind (type: none, o: bind[,ro], device under "
                     "allowed_host_paths) options are accepted: other options mount "
                     "anything the host can reach (type: nfs, a bind of /)."),
    cfg.ListOpt("allowed_endpoints", default=[],
                help="Engines a template may name in 'docker_endpoint' besides the "
                     "default 'endpoint' above (unix:///path or tcp://host:port). Empty: "
                     "only the default endpoint. A template's endpoint is where Heat "
                     "connects: an open choice lets tenants probe any address."),
    cfg.StrOpt("tls_dir",
               help="Directory on the Heat host holding TLS files templates may name in "
                    "tls_ca_cert, tls_client_cert and tls_client_key. Unset: templates "
                    "may not name TLS files (the default endpoint's own ca_cert, "
                    "client_cert and client_key are used when docker_endpoint is that "
                    "endpoint). Paths elsewhere are refused without looking at them."),
    cfg.BoolOpt("always_pull", default=False,
                help="Pull the image at every container create, whatever the template's "
                     "image_pull_policy (like Kubernetes AlwaysPullImages). Without it, "
                     "a template can run a private image another tenant pulled with "
                     "credentials (ifnotpresent/never use what the engine has); the "
                     "registry checks credentials only on a pull."),
]

tls_opts = [
    cfg.BoolOpt("allow_insecure_tls", default=False,
                help="Let templates turn certificate verification off (tls_verify: false). "
                     "Without verification anyone on the path can impersonate the engine "
                     "and receive the containers' settings and secrets."),
    cfg.BoolOpt("force_tls_verify", default=False,
                help="Verify the certificate of every TLS endpoint, whatever a template "
                     "(tls_verify) or this group's own tls_verify says; overrides "
                     "allow_insecure_tls."),
]

port_opts = [
    cfg.ListOpt("allowed_host_addresses", default=["127.0.0.1"],
                help="Host addresses templates may publish ports on (port_bindings, "
                     "port_specs with a host part). A binding without an address gets "
                     "the first one. 0.0.0.0 (every interface) only if listed. Empty: "
                     "no port may be published."),
    cfg.PortOpt("min_host_port", default=1024,
                help="Lowest host port a template may publish on (privileged ports below "
                     "1024 belong to the host's own services). A port the engine picks "
                     "(no host port given) is always allowed."),
    cfg.PortOpt("max_host_port", default=65535,
                help="Highest host port a template may publish on."),
]

network_opts = [
    cfg.ListOpt("allowed_network_drivers", default=["bridge"],
                help="Drivers DockerInc::Docker::Network may use (property 'driver'), "
                     "e.g. bridge, overlay (only on engines in a swarm), macvlan (puts "
                     "containers on the host's physical network)."),
]

limit_opts = [
    cfg.IntOpt("default_memory_mb", default=0, min=0,
               help="Memory limit (MiB) of containers whose template sets no 'memory'. "
                    "0: none."),
    cfg.IntOpt("max_memory_mb", default=0, min=0,
               help="Largest 'memory' and 'memory_reservation' (MiB) a template may ask "
                    "for. 0: no maximum."),
    cfg.FloatOpt("default_cpus", default=0, min=0,
                 help="CPU limit (in CPUs, e.g. 0.5) of containers whose template sets no "
                      "'cpu_quota'. 0: none."),
    cfg.FloatOpt("max_cpus", default=0, min=0,
                 help="Largest CPU limit a template may ask for ('cpu_quota' is "
                      "microseconds per 100 ms: 1 CPU = 100000). 0: no maximum."),
    cfg.IntOpt("default_pids_limit", default=0, min=0,
               help="Process limit of containers whose template sets no 'pids_limit' "
                    "(a fork bomb stops there). 0: none."),
    cfg.IntOpt("max_pids_limit", default=0, min=0,
               help="Largest 'pids_limit' a template may ask for. 0: no maximum."),
]

image_opts = [
    cfg.IntOpt("remove_unused_images_after", default=86400, min=-1,
               help="Seconds after which an image Heat pulled into an engine that lacked "
                    "it, and that no container (of any owner, in any state) uses any "
                    "more, is removed; checked when a container resource is deleted. "
                    "Images the engine already had are never removed. 0 removes them at "
                    "once (a create pulling the image meanwhile may then fail), -1 never."),
    cfg.StrOpt("image_record_dir", default="/var/lib/heat/docker_plugin/images",
               help="Directory, writable by heat-engine and shared by its workers, where "
                    "Heat records which images it pulled (one file per image, per "
                    "engine). Empty: nothing is recorded, so nothing is ever removed."),
]

ALL_OPTS = (docker_opts + policy_opts + tls_opts + port_opts + network_opts + limit_opts
            + image_opts)


def register_opts(conf):
    conf.register_group(docker_group)
    conf.register_opts(ALL_OPTS, group=docker_group)


def list_opts():
    return [(docker_group, ALL_OPTS)]
