"""The docker SDK (and its transport's exceptions), for the layer's own tests of how it
builds and translates SDK objects. Only this module of tests/ imports them
(tests/unit/openstack_docker/test_layer_boundary.py checks): everything else reaches the
engine through Engine."""

from docker import APIClient, errors
from urllib3 import exceptions as transport_errors

__all__ = ["APIClient", "errors", "transport_errors"]
