"""Volumes: created with the owner's labels, never adopted, removed only when the owner's."""

from openstack_docker import errors
from openstack_docker import labels as ownership
from openstack_docker.api.client import translating


class VolumeMixin:

    @translating
    def create_volume(self, name=None, driver="local", driver_opts=None, labels=None,
                      resource_id=None):
        all_labels = {**(labels or {}), **ownership.ownership(self.owner, resource_id)}
        volume = self._client.create_volume(name=name, driver=driver,
                                            driver_opts=driver_opts, labels=all_labels)
        # The engine answers a create of an existing name with that volume: never adopt it.
        if volume.get("Labels") != all_labels:
            raise errors.Conflict(f"volume {volume['Name']} already exists and is not ours",
                                  "choose another volume name")
        return volume["Name"]

    @translating
    def inspect_volume(self, name):
        return self._client.inspect_volume(name)

    @translating
    def list_volumes(self, resource_id=None):
        """Summaries of this owner's volumes."""
        answer = self._client.volumes(filters=ownership.owner_filter(self.owner, resource_id))
        return answer.get("Volumes") or []

    @translating
    def remove_volume(self, name):
        """Remove one of this owner's volumes; False if it was already gone."""
        return self._remove_owned("volume", name, self._client.inspect_volume,
                                  lambda volume: self._client.remove_volume(volume, force=True))
