"""Networks: created with the owner's labels, removed only when the owner's; attaching
and detaching changes the container, so the container must be the owner's."""

import docker.types

from openstack_docker import labels as ownership
from openstack_docker.api.client import changes_container, translating


class NetworkMixin:

    @translating
    def create_network(self, name, driver="bridge", subnet=None, gateway=None,
                       internal=False, labels=None, resource_id=None, attachable=False):
        ipam = None
        if subnet or gateway:
            pool = docker.types.IPAMPool(subnet=subnet, gateway=gateway)
            ipam = docker.types.IPAMConfig(pool_configs=[pool])
        all_labels = {**(labels or {}), **ownership.ownership(self.owner, resource_id)}
        return self._client.create_network(name, driver=driver, ipam=ipam,
                                           internal=internal, labels=all_labels,
                                           attachable=attachable or None,
                                           check_duplicate=True)["Id"]

    @translating
    def inspect_network(self, network):
        return self._client.inspect_network(network)

    @translating
    def list_networks(self, resource_id=None, labels=None):
        """Summaries of this owner's networks (with all ``labels`` when given)."""
        filters = ownership.owner_filter(self.owner, resource_id)
        filters["label"] += [f"{k}={v}" for k, v in (labels or {}).items()]
        return self._client.networks(filters=filters)

    @translating
    def remove_network(self, network):
        """Remove one of this owner's networks; False if it was already gone."""
        return self._remove_owned("network", network, self._client.inspect_network,
                                  self._client.remove_network)

    @changes_container
    def connect_network(self, container, network, aliases=None, ipv4_address=None,
                        ipv6_address=None):
        self._client.connect_container_to_network(
            container, network, aliases=aliases or None, ipv4_address=ipv4_address,
            ipv6_address=ipv6_address)

    @changes_container
    def disconnect_network(self, container, network):
        self._client.disconnect_container_from_network(container, network)
