"""Glance image API v2 through a keystoneauth session, streaming data both ways.

A keystoneauth ``Adapter`` (service type ``image``) rather than python-glanceclient: the few
calls the bridge makes map one to one onto the REST API, uploads stream from a generator, and
the command stays well inside its memory budget (glanceclient's imports alone cost ~17 MB).
"""

import re

from keystoneauth1 import adapter
from keystoneauth1 import exceptions as ksa_exc

from openstack_docker.images.bridge import errors

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Glance:
    """The image service, found in the catalog or at an explicit ``endpoint_override``."""

    def __init__(self, session, endpoint_override=None, interface=None, region_name=None):
        self.http = adapter.Adapter(session, service_type="image", interface=interface,
                                    region_name=region_name, endpoint_override=endpoint_override,
                                    user_agent="glance-docker")

    def _call(self, what, method, url, **kwargs):
        try:
            return self.http.request(url, method, **kwargs)
        except ksa_exc.NotFound as exc:
            raise errors.GlanceError(f"Glance: {what}: not found") from exc
        except ksa_exc.HttpError as exc:
            raise errors.GlanceError(f"Glance: {what} refused: {exc.http_status} "
                                     f"{exc.details or exc.message}") from exc
        except ksa_exc.ClientException as exc:
            raise errors.GlanceError(f"Glance unreachable during {what}: {exc}") from exc

    def project_id(self):
        """The project Glance records as ``owner`` of the images this session creates.

        None when the auth names no project: a bare ``--os-image-url`` without Keystone,
        where Glance records no owner either.
        """
        try:
            return self.http.get_project_id()
        except ksa_exc.ClientException as exc:
            raise errors.GlanceError(f"Keystone: cannot tell this session's project: {exc}") \
                from exc

    def create(self, name, properties):
        """A queued docker image (container_format docker, disk_format raw)."""
        body = {"name": name, "container_format": "docker", "disk_format": "raw", **properties}
        return self._call(f"create image {name!r}", "POST", "/v2/images", json=body).json()

    def upload(self, image_id, chunks):
        """Stream the image data (chunked transfer: nothing is buffered)."""
        self._call(f"upload of image {image_id}", "PUT", f"/v2/images/{image_id}/file",
                   data=chunks, headers={"Content-Type": "application/octet-stream"})

    def get(self, image_id):
        return self._call(f"image {image_id}", "GET", f"/v2/images/{image_id}").json()

    def delete(self, image_id):
        self._call(f"delete of image {image_id}", "DELETE", f"/v2/images/{image_id}")

    def data(self, image_id):
        """The image's bytes as a streaming response (``.raw`` reads them)."""
        return self._call(f"download of image {image_id}", "GET",
                          f"/v2/images/{image_id}/file", stream=True)

    def find(self, **filters):
        """Every image matching Glance's list filters, across pages."""
        url, params, found = "/v2/images", {"limit": 200, **filters}, []
        while url:
            page = self._call("image list", "GET", url, params=params).json()
            found.extend(page.get("images", []))
            url, params = page.get("next"), None
        return found

    def docker_images(self, **filters):
        return self.find(container_format="docker", **filters)

    def resolve(self, name_or_id):
        """An image by id, or by name when exactly one image has it."""
        if _UUID.match(name_or_id):
            return self.get(name_or_id)
        matches = self.find(name=name_or_id)
        if len(matches) != 1:
            problem = "no image" if not matches else f"{len(matches)} images"
            raise errors.GlanceError(f"Glance: {problem} named {name_or_id!r}; give the image id")
        return matches[0]
