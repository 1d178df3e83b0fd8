"""The oslo.privsep context of the driver's root-only work, so that nova-compute itself
can run without root, as with libvirt.

:data:`vif_plug` runs :mod:`nova_docker.network.plumbing` (entering containers' network
namespaces, netlink, OVSDB, the containers' resolv.conf). Its daemon is started on first
use with the command in ``[nova_docker_privileged] helper_command`` (oslo.privsep's
default is ``sudo privsep-helper --config-file ...``); oslo.privsep appends
``--privsep_context nova_docker.privsep.vif_plug --privsep_sock_path PATH``. Debian
hosts without sudo set it to the ``privsep-helper`` console script run as root (see
doc/nova-networking.md).
"""

from oslo_privsep import capabilities as caps
from oslo_privsep import priv_context

vif_plug = priv_context.PrivContext(
    "nova_docker",
    cfg_section="nova_docker_privileged",
    pypath=__name__ + ".vif_plug",
    capabilities=[caps.CAP_NET_ADMIN, caps.CAP_SYS_ADMIN, caps.CAP_SYS_PTRACE,
                  caps.CAP_DAC_OVERRIDE],
)
