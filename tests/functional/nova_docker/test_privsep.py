"""The root-only half of VIF plugging through a real oslo.privsep daemon, started the way
doc/nova-networking.md tells a host without sudo to start it: ``[nova_docker_privileged]
helper_command`` = the ``privsep-helper`` console script (run as root here)."""

import os
import shutil
import sys

import pytest
from nova.network import model

from nova_docker import network, privsep
from tests.functional.nova_docker.test_network_plumbing import host_links, run_in

pytestmark = pytest.mark.functional


@pytest.fixture
def privsep_daemon():
    helper = os.path.join(sys.prefix, "bin", "privsep-helper")  # this venv's
    helper = helper if os.path.exists(helper) else shutil.which("privsep-helper")
    network.CONF.set_override("helper_command", helper, group="nova_docker_privileged")
    privsep.vif_plug.set_client_mode(True)
    try:
        yield privsep.vif_plug
    finally:
        privsep.vif_plug.stop()
        privsep.vif_plug.set_client_mode(False)
        network.CONF.clear_override("helper_command", group="nova_docker_privileged")


def test_vif_plugged_and_unplugged_by_the_privsep_daemon(privsep_daemon, engine, start):
    container_id = start("server")
    port = "bbbbbbbb-2222-4000-8000-000000000001"
    vif = model.VIF(id=port, address="fa:16:3e:00:22:01", type="tap",
                    devname=f"tap{port}"[:14], network=model.Network(id="net", subnets=[
                        model.Subnet(cidr="10.253.9.0/24",
                                     ips=[model.FixedIP(address="10.253.9.5")])]))
    network.plug_vifs(engine, container_id, None, [vif])
    assert privsep_daemon.channel is not None  # the work went through the daemon
    assert vif["devname"] in host_links()
    assert "inet 10.253.9.5/24" in run_in(engine, container_id, "ip", "addr", "show",
                                          "eth0")
    network.unplug_vifs(engine, container_id, None, [vif])
    assert vif["devname"] not in host_links()
