"""The docker SDK (and its transport's exceptions), for the layer's own tests of how it
builds and translates SDK objects. Only this module of tests/ imports them
(tests/unit/openstack_docker/test_layer_boundary.py checks): everything else reaches the
engine through Engine."""

from docker import APIClient, errors
from urllib3 import exceptions as transport_errors

__all__ = ["APIClient", "api_error", "errors", "transport_errors"]


class _Response:
    def __init__(self, status):
        self.status_code = status
        self.reason = "reason"
        self.url = "http://engine/x"


def api_error(status, message, kind=errors.APIError):
    """The SDK's ``kind`` of error for an engine answer of HTTP ``status``, ``message``."""
    return kind("x", _Response(status), explanation=message)
