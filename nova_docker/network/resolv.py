"""The container's nameservers, from the DNS servers of its Neutron subnets.

The engine bind-mounts the host file named by the container's ``ResolvConfPath`` as
``/etc/resolv.conf``. VIF plugging needs the engine on this host anyway (it enters the
container's netns by pid), so the file is rewritten in place there: in place, because a
rename would leave the container looking at the old inode. ``search`` and ``options``
lines are kept. The engine keeps a changed file across restarts.
"""

import os

from nova_docker.network.errors import VIFPlugError


def set_nameservers(path, servers, merge=False):
    """Make ``servers`` the nameservers of ``path``; ``merge`` keeps the present ones first.

    Returns True when the file changed. Without servers nothing is touched.
    """
    if not servers:
        return False
    if not path or not os.path.isfile(path):
        raise VIFPlugError(f"resolv.conf {path!r} of the container is not on this host: "
                           "the Docker engine must run on the compute host")
    with open(path) as handle:
        lines = handle.read().splitlines()
    present = [line.split()[1] for line in lines
               if line.startswith("nameserver") and len(line.split()) > 1]
    wanted = list(dict.fromkeys([*present, *servers] if merge else servers))
    if wanted == present:
        return False
    kept = [line for line in lines if not line.startswith("nameserver")]
    text = "".join(f"nameserver {server}\n" for server in wanted)
    text += "".join(line + "\n" for line in kept)
    with open(path, "r+") as handle:
        handle.write(text)
        handle.truncate()
    return True
