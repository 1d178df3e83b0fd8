"""Images: shared by every owner (content-addressed), so no ownership check."""

from openstack_docker import errors, parsing
from openstack_docker.api.client import translating


def _check_stream(messages, what, error=errors.EngineError):
    """Read a progress stream to its end; the engine reports failures inside it."""
    read = []
    for message in messages:
        if isinstance(message, dict) and message.get("error"):
            raise error(f"{what} failed: {message['error']}",
                                      message["error"])
        read.append(message)
    return read


class ImageMixin:

    @translating
    def pull(self, reference, auth_config=None):
        """Pull ``REPOSITORY[:TAG|@DIGEST]``, reading the progress stream to its end.

        The engine reports most pull failures inside the stream, with HTTP 200; they
        become :class:`~openstack_docker.errors.ImageMissing` (not found, refused) naming
        the reference and keeping the engine's words.
        """
        repository, tag = parsing.repository_tag(reference)
        _check_stream(self._client.pull(repository, tag=tag or "latest", stream=True,
                                        decode=True, auth_config=auth_config),
                      f"pull of {reference}", errors.ImageMissing)

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
