"""Removing the images containers made Heat pull, once no container uses them.

Heat has no periodic task for plugins: the check runs when a container resource is
deleted (after its container is removed). Only images a pull brought into an engine that
lacked them are recorded (:mod:`openstack_docker.images.retention`), so an operator's
pre-pulled images are never removed. Options: ``[docker_plugin]
remove_unused_images_after`` and ``image_record_dir``.
"""

from oslo_log import log as logging

from heat_docker_plugin import connection, images
from openstack_docker import errors
from openstack_docker.images.retention import BroughtImages

LOG = logging.getLogger(__name__)


def _records():
    directory = connection.options().image_record_dir
    return BroughtImages(directory) if directory else None


def ensure_image(engine, image, policy, username=None, password=None):
    """:func:`heat_docker_plugin.images.ensure_image` (the image id to run), recording the
    image when the pull brought it (and marking a recorded image used)."""
    records = _records()
    if records is None:
        return images.ensure_image(engine, image, policy, username, password)
    return records.track(
        engine, lambda: images.ensure_image(engine, image, policy, username, password))


def prune(engine):
    """Remove the recorded images of ``engine`` unused for ``remove_unused_images_after``
    seconds; returns their ids. Never fails (a delete must not fail over it)."""
    min_age = connection.options().remove_unused_images_after
    records = _records()
    if records is None or min_age < 0:
        return []
    try:
        return records.prune(engine, min_age)
    except (errors.DockerLayerError, OSError) as exc:
        LOG.warning("Unused images of %s not removed: %s", engine, exc)
        return []
