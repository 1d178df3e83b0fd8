"""The engine's events stream, limited to the owner's containers.

A subscription holds one HTTP response open for as long as the caller reads it, so it gets
a connection of its own (not one of the shared client's pooled ones) and can be closed
from another thread (:meth:`EventStream.close`): the reader then sees the end of the stream.
"""

import contextlib

from openstack_docker import errors
from openstack_docker import labels as ownership


class EventStream:
    """Decoded container events (dicts as the engine sends them), until closed or the
    engine goes away (the iteration then simply ends)."""

    def __init__(self, client, stream):
        self._client = client
        self._stream = stream

    def __iter__(self):
        with errors.translated():
            yield from self._stream

    def close(self):
        with contextlib.suppress(Exception):  # already closed by the engine or by us
            self._stream.close()
        self._client.close()


class EventMixin:

    def container_events(self, labels=None, since=None):
        """Subscribe to the events of this owner's containers that carry ``labels``
        (``{key: value}``) from now (or from ``since``, a Unix time); an
        :class:`EventStream`. Raises :class:`~openstack_docker.errors.EngineUnreachable`
        when the engine does not answer."""
        query = ownership.owner_filter(self.owner)
        query["label"] += [f"{key}={value}" for key, value in (labels or {}).items()]
        query["type"] = ["container"]
        with errors.translated():
            client = self._new_client(self._client.api_version)
            try:
                stream = client.events(filters=query, since=since, decode=True)
            except Exception:
                client.close()
                raise
        return EventStream(client, stream)
