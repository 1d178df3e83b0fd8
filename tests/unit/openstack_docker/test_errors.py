"""SDK errors become the layer's types, keeping the engine's message."""

import pytest
import requests

from openstack_docker import errors
from tests.common.sdk import api_error as _api_error
from tests.common.sdk import errors as sdk_errors
from tests.common.sdk import transport_errors


@pytest.mark.parametrize("exc, expected", [
    (_api_error(404, "No such container: abc"), errors.ContainerNotFound),
    (_api_error(404, "No such image: a:b"), errors.ImageMissing),
    (_api_error(404, "no such image", sdk_errors.ImageNotFound), errors.ImageMissing),
    (_api_error(404, "network n not found"), errors.NotFound),
    (_api_error(409, "Conflict. The container name is already in use"), errors.Conflict),
    (_api_error(500, "manifest for 127.0.0.1:5000/a:b not found"), errors.ImageMissing),
    (_api_error(500, "driver failed programming external connectivity"),
     errors.EngineError),
    (requests.exceptions.ConnectionError("refused"), errors.EngineUnreachable),
    # A read timeout over TCP, and over the SDK's unix socket adapter.
    (requests.exceptions.ReadTimeout("read timed out"), errors.EngineTimeout),
    (requests.exceptions.ConnectionError(
        transport_errors.ReadTimeoutError(None, "/wait", "read timed out")),
     errors.EngineTimeout),
    (requests.exceptions.ConnectTimeout("connect timed out"), errors.EngineUnreachable),
    (sdk_errors.DockerException("Error while fetching server API version"),
     errors.EngineUnreachable),
])
def test_translation(exc, expected):
    translated = errors.translate(exc)
    assert type(translated) is expected


def test_engine_message_is_kept():
    with pytest.raises(errors.Conflict) as caught, errors.translated():
        raise _api_error(409, "name already in use by container 123")
    assert "already in use by container 123" in str(caught.value)
    assert caught.value.explanation == "name already in use by container 123"
    assert isinstance(caught.value.__cause__, sdk_errors.APIError)


def test_unrelated_exceptions_pass_through():
    with pytest.raises(KeyError), errors.translated():
        raise KeyError("x")


def test_invalid_spec_message_names_field_and_fix():
    exc = errors.InvalidSpec("env[0]", "'FOO' is not KEY=VALUE", "write it as NAME=value")
    assert str(exc) == "env[0]: 'FOO' is not KEY=VALUE (write it as NAME=value)"
    assert isinstance(exc, ValueError)
