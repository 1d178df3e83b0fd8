"""Images: shared by every owner (content-addressed), so no ownership check."""

import docker.errors

from openstack_docker import errors, parsing
from openstack_docker.api.client import translating


def _check_stream(messages, what, error=errors.EngineError):
    """Read a progress stream to its end; the engine reports failures inside it."""
    read = []
    for message in messages:
        if isinstance(message, dict) and message.get("error"):
            raise error(f"{what} failed: {message['error']}", message["error"])
        read.append(message)
    return read


#: The pull stream's line that names the manifest digest it pulled.
_DIGEST_STATUS = "Digest:"


class ImageMixin:

    @translating
    def pull(self, reference, auth_config=None):
        """Pull ``REPOSITORY[:TAG|@DIGEST]``, reading the progress stream to its end, and
        return the manifest digest the engine pulled (``sha256:...``).

        The digest pins what was pulled: run ``REPOSITORY@DIGEST`` (or the id it resolves
        to), never the tag again, which another pull may have moved meanwhile. The engine
        reports most pull failures inside the stream, with HTTP 200; they become
        :class:`~openstack_docker.errors.ImageMissing` (not found, refused) naming the
        reference and keeping the engine's words.
        """
        repository, tag = parsing.repository_tag(reference)
        messages = _check_stream(self._client.pull(repository, tag=tag or "latest",
                                                   stream=True, decode=True,
                                                   auth_config=auth_config),
                                 f"pull of {reference}", errors.ImageMissing)
        for message in messages:
            status = message.get("status") or "" if isinstance(message, dict) else ""
            if status.startswith(_DIGEST_STATUS):
                return status[len(_DIGEST_STATUS):].strip()
        raise errors.ImageMissing(f"pull of {reference} reported no manifest digest",
                                  "pull from a registry that serves content digests")

    def image_id(self, reference):
        """The id of the image ``reference`` (id, name or ``REPO@DIGEST``) names now, or None.

        Resolve a name once and run the id: on a shared engine a name can be moved to
        another image at any time (a pull, a push, a tag), an id cannot.
        """
        try:
            return self.inspect_image(reference)["Id"]
        except errors.NotFound:
            return None

    @translating
    def registry_digest(self, reference):
        """The manifest digest the registry of ``reference`` serves for it now (asked by
        the engine, with its own registry access); ``ImageMissing`` when it cannot say."""
        try:
            return self._client.inspect_distribution(reference)["Descriptor"]["digest"]
        except docker.errors.APIError as exc:
            raise errors.ImageMissing(f"registry lookup of {reference} failed: "
                                      f"{exc.explanation or exc}", str(exc)) from exc

    @translating
    def list_image_ids(self):
        """The ids of every image in the engine, intermediate ones included."""
        return self._client.images(all=True, quiet=True)

    @translating
    def push(self, reference, auth_config=None):
        """Push ``REPOSITORY:TAG``, reading the progress stream to its end."""
        repository, tag = parsing.repository_tag(reference)
        _check_stream(self._client.push(repository, tag=tag, stream=True, decode=True,
                                        auth_config=auth_config), f"push of {reference}")

    @translating
    def load_image(self, data):
        """Load a ``docker save`` archive (bytes or file object); the stream's messages."""
        return _check_stream(self._client.load_image(data), "load")

    @translating
    def inspect_image(self, reference):
        """Raises :class:`~openstack_docker.errors.ImageMissing` when the engine lacks it."""
        return self._client.inspect_image(reference)

    @translating
    def save_image(self, reference):
        """``docker save``: an iterator of byte chunks of the image archive."""
        return self._client.get_image(reference)

    @translating
    def tag_image(self, image, reference):
        repository, tag = parsing.repository_tag(reference)
        self._client.tag(image, repository, tag)

    @translating
    def remove_image(self, reference, force=False):
        """Remove a tag, or an image; its untagged parents go with it."""
        self._client.remove_image(reference, force=force, noprune=False)
