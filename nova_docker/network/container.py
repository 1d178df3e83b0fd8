"""Find a running container's network namespace, and refuse the ones we must not touch."""

import dataclasses
import os

from nova_docker.network.errors import ContainerNotRunning, VIFPlugError
from openstack_docker import errors


@dataclasses.dataclass(frozen=True)
class Target:
    """Where a container's VIFs go: its netns (by pid) and its resolv.conf on this host."""

    container_id: str
    pid: int
    resolv_conf: str | None

    @property
    def netns_path(self):
        return f"/proc/{self.pid}/ns/net"


def running_target(engine, container_id):
    """The :class:`Target` of a running container with its own network namespace."""
    try:
        info = engine.inspect_container(container_id)
    except errors.ContainerNotFound:
        raise ContainerNotRunning(f"container {container_id} does not exist: "
                                  "VIFs can only be plugged into a running container") from None
    state = info.get("State") or {}
    pid = state.get("Pid") or 0
    if not state.get("Running") or pid <= 0:
        raise ContainerNotRunning(
            f"container {container_id} is not running (status {state.get('Status')!r}): "
            "its network namespace exists only while it runs; start it, then plug VIFs")
    mode = (info.get("HostConfig") or {}).get("NetworkMode") or ""
    if mode == "host" or mode.startswith("container:"):
        raise VIFPlugError(f"container {container_id} shares a network namespace "
                           f"(network_mode {mode!r}); VIFs need network_mode 'none'")
    return Target(container_id, pid, info.get("ResolvConfPath"))


def check_own_netns(target):
    """Refuse a target whose netns cannot be opened or is the host's (root-only check:
    another process's namespace is visible to root, so it runs in the privsep daemon)."""
    try:
        theirs = os.stat(target.netns_path).st_ino
    except OSError as exc:
        raise VIFPlugError(f"cannot open the netns of container {target.container_id} "
                           f"({target.netns_path}: {exc.strerror}): the Docker engine must "
                           "run on this host, in this pid namespace") from None
    if theirs == os.stat("/proc/self/ns/net").st_ino:
        raise VIFPlugError(f"container {target.container_id} runs in the host's network "
                           "namespace; refusing to plug VIFs into it")
