"""The one door from tests to an Engine's private docker SDK client.

Callers never reach the SDK client (the layer checks ownership and translates errors);
tests sometimes must: to count the HTTP calls an operation costs, or to set up what the
layer refuses to make (an unlabelled "foreign" container, a built or pushed image).
"""

from unittest import mock


def sdk_client(engine):
    """The engine's docker SDK low-level client (connected on first use)."""
    return engine._client


def count_calls(engine, method, **patch):
    """A patch of SDK client ``method`` (``send`` sees every HTTP request) that wraps it,
    or takes ``patch`` (e.g. ``side_effect``) instead; use it as a context manager."""
    client = sdk_client(engine)
    return mock.patch.object(client, method, **(patch or {"wraps": getattr(client, method)}))
