"""An instance (flavor, image properties, metadata) described as a ContainerSpec.

Documented inputs (see doc/nova.md):

* image property ``os_command_line`` (a shell-like string) replaces the image's command,
  ``docker_entrypoint`` its entrypoint;
* instance metadata becomes environment variables (keys that are not valid variable
  names are skipped);
* flavor: ``memory_mb`` is the memory limit, ``swap`` adds to it as memory+swap,
  ``vcpus`` gives cpu shares (1024 each) and, with ``[docker] cpu_quota``, a CFS quota;
* flavor extra specs ``docker:cpuset`` (e.g. ``0-1``) pins CPUs, ``docker:disk_quota``
  (``true`` for the flavor's root_gb, or a size such as ``5G``) limits the container's
  writable layer where the storage driver supports it, and ``docker:pids_limit`` bounds
  its processes (default ``[docker] pids_limit``);
* confinement (:func:`confinement`): no-new-privileges, a reduced capability set and the
  engine's default seccomp profile (or ``[docker] seccomp_profile``).
"""

import json
import re
import shlex

import nova.conf
from oslo_log import log as logging
from oslo_utils import strutils, units

from nova_docker import conf as docker_conf
from openstack_docker.errors import InvalidSpec
from openstack_docker.spec import ContainerSpec

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF
docker_conf.register_opts(CONF)

NAME_LABEL = "org.openstack.nova.instance-name"
#: The compute host that created the container: compute services sharing an engine
#: each see only their own instances.
HOST_LABEL = "org.openstack.nova.host"
CPU_PERIOD = 100000
CPU_SHARES_PER_VCPU = 1024
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def container_name(instance):
    return f"nova-{instance.uuid}"


def _field(obj, name):
    """An optional Nova object field, None when unset."""
    return getattr(obj, name) if obj.obj_attr_is_set(name) else None


def _command(props, key):
    """A command property: a JSON list of strings, or a string split like a shell."""
    value = props.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, list):
        return value
    try:
        if value.lstrip().startswith("["):
            return json.loads(value)
        return shlex.split(value)
    except ValueError as exc:
        raise InvalidSpec(f"image property {key}", f"{value!r} cannot be parsed ({exc})",
                          "quote arguments like a POSIX shell, or give a JSON list") from None


def environment(instance):
    """Instance metadata as environment variables."""
    env = {}
    for key, value in (_field(instance, "metadata") or {}).items():
        if _ENV_NAME.match(key):
            env[key] = value
        else:
            LOG.info("Metadata key %r of instance %s is not a variable name; not passed "
                     "to the container environment", key, instance.uuid)
    return env


def _limits(flavor, cpu_quota):
    memory = flavor.memory_mb * units.Mi
    limits = {
        "memory": memory,
        "memory_swap": memory + (flavor.swap or 0) * units.Mi,
        "cpu_shares": max(2, flavor.vcpus * CPU_SHARES_PER_VCPU),
    }
    if cpu_quota:
        limits["cpu_period"] = CPU_PERIOD
        limits["cpu_quota"] = flavor.vcpus * CPU_PERIOD
    specs = flavor.extra_specs or {}
    if specs.get("docker:cpuset"):
        limits["cpuset_cpus"] = specs["docker:cpuset"]
    limits.update(_pids_limit(specs))
    quota = specs.get("docker:disk_quota")
    if quota:
        size = f"{flavor.root_gb}G" if strutils.bool_from_string(quota) else str(quota)
        limits["storage_opt"] = {"size": size}
    return limits


def _pids_limit(specs):
    value = specs.get("docker:pids_limit", CONF.docker.pids_limit)
    try:
        limit = int(value)
    except (TypeError, ValueError):
        limit = -1
    if limit < 0:
        raise InvalidSpec("flavor extra spec docker:pids_limit", f"{value!r} is not a "
                          "number of processes", "give a whole number, e.g. 512 (0: none)")
    return {"pids_limit": limit} if limit else {}


def confinement():
    """ContainerSpec fields that confine every instance (``[docker]`` options)."""
    security_opt = ["no-new-privileges:true"] if CONF.docker.no_new_privileges else []
    if CONF.docker.seccomp_profile:
        try:
            with open(CONF.docker.seccomp_profile) as handle:
                profile = json.load(handle)
        except (OSError, ValueError) as exc:
            raise InvalidSpec("[docker] seccomp_profile", f"cannot read a JSON seccomp "
                              f"profile from {CONF.docker.seccomp_profile!r}: {exc}",
                              "fix the file or unset the option") from None
        security_opt.append("seccomp=" + json.dumps(profile))
    return {"security_opt": security_opt, "cap_drop": list(CONF.docker.cap_drop),
            "cap_add": list(CONF.docker.cap_add)}


def build(instance, image, image_id, network_args, host, cpu_quota=True, volumes=(),
          binds=None):
    """The ContainerSpec of ``instance`` running engine image ``image_id``.

    ``image`` is the Glance record (dict) the image came from; ``network_args`` the
    ContainerSpec fields chosen by :mod:`nova_docker.network`; ``volumes`` directories
    that get anonymous volumes of the container's own; ``binds`` host bind mounts.
    """
    props = image.get("properties") or {}
    labels = {NAME_LABEL: instance.name, HOST_LABEL: host}
    return ContainerSpec(
        image=image_id,
        command=_command(props, "os_command_line"),
        entrypoint=_command(props, "docker_entrypoint"),
        env=environment(instance),
        hostname=_field(instance, "hostname") or None,
        labels=labels,
        volumes=list(volumes),
        binds=binds or None,
        **_limits(instance.flavor, cpu_quota),
        **confinement(),
        **network_args,
    )
