"""A local cache of image data downloaded from Glance, keyed by Glance image id.

A file enters the cache only after its checksum matched the one Glance published
(``os_hash_algo``/``os_hash_value``, else the md5 ``checksum``); the verified checksum is
kept beside it so a later spawn reuses the file without downloading or re-hashing it.
Downloads are streamed to disk in chunks: an image is never held in memory.

Each image has one lock (:meth:`ImageCache.lock`, reentrant): fetching, whatever the
caller does with the file while holding it (loading it into an engine) and removal by
:meth:`ImageCache.prune` exclude each other, so concurrent spawns of one image download
it once and a periodic clean-up never deletes a file between its fetch and its load.
A file's modification time is when it was last used: :meth:`ImageCache.prune` removes
only files unused for a minimum age.
"""

import contextlib
import dataclasses
import hashlib
import os
import tempfile
import threading
import time

from oslo_log import log as logging

from openstack_docker.errors import DockerLayerError

LOG = logging.getLogger(__name__)

SUFFIX = ".tar"
SUM_SUFFIX = ".checksum"


class ChecksumMismatch(DockerLayerError):
    """The downloaded data does not match the checksum Glance published."""


@dataclasses.dataclass(frozen=True)
class Checksum:
    """A hash algorithm and the hex digest expected from it."""

    algorithm: str
    value: str

    @classmethod
    def from_glance(cls, image):
        """The strongest checksum a Glance image record carries, or None."""
        props = image.get("properties") or {}
        algo = image.get("os_hash_algo") or props.get("os_hash_algo")
        value = image.get("os_hash_value") or props.get("os_hash_value")
        if algo and value:
            return cls(str(algo).lower(), str(value).lower())
        if image.get("checksum"):
            return cls("md5", str(image["checksum"]).lower())
        return None

    def __str__(self):
        return f"{self.algorithm}:{self.value}"

    def hasher(self):
        try:
            return hashlib.new(self.algorithm)
        except ValueError:
            raise ChecksumMismatch(f"unknown hash algorithm {self.algorithm!r} "
                                   "in the image's os_hash_algo") from None


class _HashingWriter:
    """A write-only file object that hashes what passes through it."""

    def __init__(self, handle, hasher):
        self._handle = handle
        self.hasher = hasher
        self.size = 0

    def write(self, chunk):
        self.hasher.update(chunk)
        self.size += len(chunk)
        return self._handle.write(chunk)

    def flush(self):
        self._handle.flush()


class ImageCache:
    """Verified image files under one directory."""

    def __init__(self, directory):
        self.directory = directory
        self._locks = {}
        self._guard = threading.Lock()

    def path(self, image_id):
        return os.path.join(self.directory, f"{image_id}{SUFFIX}")

    def lock(self, image_id):
        """The lock of ``image_id``'s data (a context manager, reentrant)."""
        with self._guard:
            return self._locks.setdefault(image_id, threading.RLock())

    def cached(self, image_id, checksum):
        """The cached file's path if it was verified against ``checksum``, else None."""
        path = self.path(image_id)
        if checksum is None or not os.path.exists(path):
            return None
        try:
            with open(path + SUM_SUFFIX) as handle:
                recorded = handle.read().strip()
        except FileNotFoundError:
            return None
        return path if recorded == str(checksum) else None

    def fetch(self, image_id, checksum, download):
        """Return the path of ``image_id``'s data, downloading it unless cached.

        ``download(fileobj)`` writes the data in chunks to ``fileobj``. Without a
        checksum the data cannot be trusted later, so it is fetched again every time.
        """
        with self.lock(image_id):
            path = self.cached(image_id, checksum)
            if path:
                LOG.debug("Image %s found in cache %s", image_id, path)
                _touch(path)
                return path
            os.makedirs(self.directory, exist_ok=True)
            fd, partial = tempfile.mkstemp(prefix=f".{image_id}.", dir=self.directory)
            try:
                self._download(fd, checksum, download, image_id)
                path = self.path(image_id)
                os.replace(partial, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(partial)
                raise
            self._record(path, checksum)
            return path

    @staticmethod
    def _download(fd, checksum, download, image_id):
        hasher = checksum.hasher() if checksum else hashlib.sha256()
        with os.fdopen(fd, "wb") as handle:
            writer = _HashingWriter(handle, hasher)
            download(writer)
        if checksum and hasher.hexdigest() != checksum.value:
            raise ChecksumMismatch(
                f"image {image_id}: downloaded {writer.size} bytes with "
                f"{checksum.algorithm} {hasher.hexdigest()}, Glance says {checksum.value}",
                "the upload is corrupt or changed; upload the image again")
        if checksum is None:
            LOG.warning("Image %s has no checksum in Glance; its data is not verified "
                        "and will not be reused from the cache", image_id)

    @staticmethod
    def _record(path, checksum):
        sum_path = path + SUM_SUFFIX
        if checksum is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(sum_path)
            return
        with open(sum_path, "w") as handle:
            handle.write(str(checksum))

    def remove(self, image_id):
        """Forget one image's data; True if something was removed."""
        removed = False
        with self.lock(image_id):
            for name in (self.path(image_id), self.path(image_id) + SUM_SUFFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(name)
                    removed = True
        return removed

    def prune(self, in_use, min_age):
        """Remove the data of images not in ``in_use`` that went unused for ``min_age``
        seconds; the files of images in use are marked used now. Returns the removed ids.
        """
        removed = []
        for image_id in self.image_ids():
            with self.lock(image_id):
                path = self.path(image_id)
                if image_id in in_use:
                    _touch(path)
                    continue
                try:
                    age = time.time() - os.stat(path).st_mtime
                except FileNotFoundError:
                    continue
                if age >= min_age and self.remove(image_id):
                    removed.append(image_id)
        return removed

    def image_ids(self):
        """Glance ids with data in the cache."""
        if not os.path.isdir(self.directory):
            return []
        return [name[:-len(SUFFIX)] for name in os.listdir(self.directory)
                if name.endswith(SUFFIX) and not name.startswith(".")]


def _touch(path):
    with contextlib.suppress(FileNotFoundError):
        os.utime(path)
