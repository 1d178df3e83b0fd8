"""Which engine images this layer brought into an engine, and removing them once unused.

Nova and Heat make images present in an engine (load a Glance tarball, pull a registry
image); left alone, every image ever used stays on the host and its disk fills over
months. :class:`BroughtImages` keeps, on local disk, a record of exactly the images this
layer brought: an image the engine ALREADY had when it was needed (an operator's
pre-pulled image, the testbed's, another service's) is never recorded, so never removed.

Layout: ``<directory>/<engine>/<hex digest of the image id>``, one empty file per image,
where ``<engine>`` is the engine's daemon id (several hosts may share one directory, one
URL may reach another engine over time). A record's modification time is when its image
was last used: every ensure or create that resolves to the image refreshes it, and so
does :meth:`BroughtImages.prune` while a container uses the image. Files are created,
touched and unlinked by single system calls: several threads and processes (Heat's
workers) may share a directory.

:meth:`BroughtImages.prune` removes an image only when it is recorded, unused for the
minimum age and used by no container of ANY owner in any state (one listing of the
engine's containers). Removal is by id and never forced: the engine refuses (409) an
image that meanwhile got a container, a child image or a second name, and the image is
then kept with its record.
"""

import contextlib
import os
import re
import threading
import time
import weakref

from oslo_log import log as logging

from openstack_docker import errors

LOG = logging.getLogger(__name__)

_IMAGE_ID = re.compile(r"^sha256:([0-9a-f]{64})$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")

#: Daemon id of each Engine object asked so far (one ``info`` call per Engine).
_engine_keys = weakref.WeakKeyDictionary()
_engine_keys_guard = threading.Lock()


def engine_key(engine):
    """A directory name for ``engine``: its daemon id, which the engine keeps across
    restarts; its endpoint URL when the engine reports none."""
    with _engine_keys_guard:
        key = _engine_keys.get(engine)
    if key is None:
        daemon_id = engine.info().get("ID")
        key = _UNSAFE.sub("-", daemon_id or f"url-{engine.endpoint.url}")
        with _engine_keys_guard:
            _engine_keys[engine] = key
    return key


class BroughtImages:
    """Records, under ``directory``, of the images this layer brought into its engines."""

    def __init__(self, directory):
        self.directory = directory

    def _dir(self, engine):
        return os.path.join(self.directory, engine_key(engine))

    def _path(self, engine, image_id):
        match = _IMAGE_ID.match(image_id or "")
        if not match:
            return None  # not an id this layer records (nothing else gets a file name)
        return os.path.join(self._dir(engine), match.group(1))

    def track(self, engine, ensure):
        """Run ``ensure()``, which makes an image present in ``engine`` and returns its id
        (or None), and record that image if the engine did not have it before. Returns
        what ``ensure`` returned.

        "Before" is one listing of every image id the engine has (intermediate ones too):
        whatever path ``ensure`` takes (load, pull, nothing), an id that was listed is not
        this layer's to remove.
        """
        before = set(engine.list_image_ids())
        image_id = ensure()
        if image_id and image_id not in before:
            self.record(engine, image_id)
        elif image_id:
            self.used(engine, image_id)
        return image_id

    def record(self, engine, image_id):
        """Record that this layer brought ``image_id`` into ``engine``, used now."""
        path = self._path(engine, image_id)
        if path is None:
            LOG.warning("Not recording engine image %r: not a sha256 image id", image_id)
            return
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "a"):
                pass
            os.utime(path)
        except OSError as exc:
            LOG.warning("Could not record image %s brought into %s (it will not be "
                        "removed when unused): %s", image_id, engine, exc)
            return
        LOG.debug("Recorded image %s brought into %s", image_id, engine)

    def used(self, engine, image_id):
        """Mark a recorded image used now (nothing for images this layer did not bring)."""
        path = self._path(engine, image_id)
        if path is not None:
            _touch(path)

    def image_ids(self, engine):
        """The recorded image ids of ``engine``."""
        try:
            names = os.listdir(self._dir(engine))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(f"sha256:{name}" for name in names if _IMAGE_ID.match(f"sha256:{name}"))

    def prune(self, engine, min_age):
        """Remove the recorded images of ``engine`` that no container uses and that were
        not used for ``min_age`` seconds; returns their ids.

        Records of images in use are marked used now; the record of an image the engine
        no longer has is dropped; an image the engine refuses to remove is kept.
        """
        recorded = self.image_ids(engine)
        if not recorded:
            return []  # no engine call on hosts where this layer brought nothing
        in_use = engine.images_in_use()
        removed = []
        for image_id in recorded:
            path = self._path(engine, image_id)
            if image_id in in_use:
                _touch(path)
                continue
            age = _unused_for(path)
            if age is not None and age >= min_age and _remove(engine, image_id, path, age):
                removed.append(image_id)
        return removed


def _unused_for(path):
    """Seconds since the record at ``path`` was used; None if another process dropped it."""
    try:
        return time.time() - os.stat(path).st_mtime
    except FileNotFoundError:
        return None


def _remove(engine, image_id, path, age):
    """Remove an unused recorded image, never forced, and its record at ``path``; True if
    the image was removed.

    An image already gone loses its record; one the engine refuses to remove keeps it.
    """
    try:
        engine.remove_image(image_id)
    except errors.NotFound:
        LOG.info("Image %s is no longer in %s: its record is dropped", image_id, engine)
        removed = False
    except errors.Conflict as exc:
        LOG.info("Unused image %s kept in %s: %s", image_id, engine, exc)
        return False
    else:
        LOG.info("Removed image %s from %s: unused for %d s", image_id, engine, age)
        removed = True
    _forget(path)
    return removed


def _touch(path):
    """Mark a record used; a record that is gone or cannot be touched fails nothing."""
    try:
        os.utime(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        LOG.warning("Could not mark image record %s used: %s", path, exc)


def _forget(path):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
