"""Create-time checks of the engine objects a container refers to.

``networks``, ``mounts``, ``links`` and ``volumes_from`` name engine objects, and a name
can be anyone's: another tenant's network, another stack's volume, a container whose
legacy link environment carries its secrets or whose bind mounts ``volumes_from``
inherits. Each reference must be an object Heat created for the same root stack (nested
stacks share their root's). Only the engine knows what a name resolves to, so it is asked
at create time; references are then replaced by the ids found, so the engine uses exactly
what was checked even if a same-named object appears meanwhile.
"""

from heat.common import exception

from openstack_docker import errors
from openstack_docker import labels as ownership

#: Label carrying the root stack id on every container, network and volume Heat creates.
#: It has the reserved prefix, so templates cannot set it on their own objects.
STACK_LABEL = ownership.PREFIX + "heat-stack-id"

OWNER = ownership.HEAT


class ReferenceRefused(exception.Error):
    """A property names an engine object this stack may not use."""


def stack_labels(stack_id):
    return {STACK_LABEL: str(stack_id)}


def _require_ours(prop, kind, name, object_labels, stack_id):
    object_labels = object_labels or {}
    if not ownership.is_owned(object_labels, OWNER) or \
            object_labels.get(STACK_LABEL) != str(stack_id):
        raise ReferenceRefused(
            f"{prop}: {kind} {name!r} does not belong to this stack (only "
            f"DockerInc::Docker::{kind.capitalize()} resources of the same stack may be "
            "used; refer to them with get_resource)")


def _inspect(prop, kind, name, inspect):
    try:
        return inspect(name)
    except errors.NotFound:
        raise ReferenceRefused(f"{prop}: {kind} {name!r} does not exist (declare it as a "
                               f"DockerInc::Docker::{kind.capitalize()} of this stack and "
                               "refer to it with get_resource)") from None


def _is_default_bridge(info):
    return info.get("Name") == "bridge" and info.get("Driver") == "bridge" and \
        (info.get("Options") or {}).get("com.docker.network.bridge.default_bridge") == "true"


def checked_network(engine, name, stack_id):
    """The inspect data of a network the stack may join: its own, or the engine's
    default bridge (where every container without ``networks`` is anyway)."""
    info = _inspect("networks", "network", name, engine.inspect_network)
    if not _is_default_bridge(info):
        _require_ours("networks", "network", name, info.get("Labels"), stack_id)
    return info


def _network_reference(info):
    """The id, except for the default bridge: the engine honours legacy links only on
    the network mode ``bridge``, not on that network's id."""
    return info["Name"] if _is_default_bridge(info) else info["Id"]


def _container_id(prop, engine, name, stack_id):
    info = _inspect(prop, "container", name, engine.inspect_container)
    _require_ours(prop, "container", name, info["Config"].get("Labels"), stack_id)
    return info["Id"]


def resolve(engine, spec, stack_id):
    """Check every reference of ``spec`` and point it at the checked object's id.

    Raises ReferenceRefused naming the property; creates nothing.
    """
    for attachment in spec.networks:
        attachment.network = _network_reference(
            checked_network(engine, attachment.network, stack_id))
    checked_mounts = []
    for volume, target, read_only in spec.mounts:
        info = _inspect("mounts", "volume", volume, engine.inspect_volume)
        _require_ours("mounts", "volume", volume, info.get("Labels"), stack_id)
        checked_mounts.append((info["Name"], target, read_only))
    spec.mounts = checked_mounts
    spec.links = {_container_id("links", engine, name, stack_id): alias
                  for name, alias in spec.links.items()}
    checked_from = []
    for entry in spec.volumes_from:
        name, colon, mode = entry.partition(":")
        checked_from.append(_container_id("volumes_from", engine, name, stack_id)
                            + colon + mode)
    spec.volumes_from = checked_from
