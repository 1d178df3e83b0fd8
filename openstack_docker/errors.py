"""A small exception hierarchy for everything the Docker layer reports.

docker SDK and requests exceptions are translated here, once, so callers (Nova driver,
Heat resources, magnum_lite) catch a handful of meaningful types and still see the
engine's own message.

The docker SDK is imported only when an error is translated: ``glance-docker`` (which never
talks to an engine) raises these types too, and the SDK alone would cost it about 20 MB of
its 64 MB memory budget.
"""

import contextlib


class DockerLayerError(Exception):
    """Base of every error raised by the shared Docker layer."""

    def __init__(self, message, explanation=None):
        super().__init__(message)
        self.message = message
        self.explanation = explanation


class EngineUnreachable(DockerLayerError):
    """The engine did not answer: wrong endpoint, daemon down, TLS refused, timeout."""


class EngineTimeout(EngineUnreachable):
    """The engine did not answer within the timeout: waits that may legitimately time
    out (a container that keeps running) tell it from a dead engine."""


class NotOwned(DockerLayerError):
    """The object exists but was not created by this owner: the layer leaves it alone."""


class APIVersionUnsupported(DockerLayerError):
    """The engine speaks an API older than the minimum this project supports."""


class NotFound(DockerLayerError):
    """The engine has no such object."""


class ContainerNotFound(NotFound):
    """The container does not exist (any more)."""


class ImageMissing(NotFound):
    """The image is neither present in the engine nor pullable."""


class Conflict(DockerLayerError):
    """The engine refused because of the object's state or a name already in use."""


class EngineError(DockerLayerError):
    """Any other error the engine reported."""


class InvalidSpec(DockerLayerError, ValueError):
    """Input rejected before any engine call; names the field and how to fix it."""

    def __init__(self, field, problem, fix=None):
        message = f"{field}: {problem}"
        if fix:
            message += f" ({fix})"
        super().__init__(message)
        self.field = field
        self.problem = problem
        self.fix = fix


def _engine_message(exc):
    explanation = getattr(exc, "explanation", None)
    if isinstance(explanation, bytes):
        explanation = explanation.decode("utf-8", "replace")
    return explanation or str(exc)


def _not_found_class(message):
    lowered = message.lower()
    if "no such image" in lowered or "pull access denied" in lowered or (
        "manifest" in lowered and "not found" in lowered
    ):
        return ImageMissing
    if "no such container" in lowered:
        return ContainerNotFound
    return NotFound


def _read_timed_out(exc):
    """requests reports a read timeout as ReadTimeout over TCP, but as a ConnectionError
    wrapping urllib3's ReadTimeoutError over the docker SDK's unix socket adapter."""
    import requests.exceptions
    import urllib3.exceptions

    if isinstance(exc, requests.exceptions.ReadTimeout | urllib3.exceptions.ReadTimeoutError):
        return True
    return isinstance(exc, requests.exceptions.ConnectionError) and any(
        isinstance(arg, urllib3.exceptions.ReadTimeoutError) for arg in exc.args)


def translate(exc):
    """Return the layer's exception for a docker SDK or requests exception."""
    import docker.errors  # here, not at the top: see the module docstring
    import requests.exceptions

    if isinstance(exc, DockerLayerError):
        return exc
    if isinstance(exc, docker.errors.ImageNotFound):
        return ImageMissing(_engine_message(exc), _engine_message(exc))
    if isinstance(exc, docker.errors.NotFound):
        message = _engine_message(exc)
        return _not_found_class(message)(message, message)
    if isinstance(exc, docker.errors.APIError):
        message = _engine_message(exc)
        status = exc.status_code
        if "HTTP request to an HTTPS server" in message:
            return EngineUnreachable(
                f"the engine requires TLS ({message}): set ca_cert, client_cert and "
                "client_key for this endpoint", message)
        if status == 409:
            return Conflict(message, message)
        if status == 404:
            return _not_found_class(message)(message, message)
        if status == 500 and _not_found_class(message) is ImageMissing:
            return ImageMissing(message, message)
        return EngineError(message, message)
    if isinstance(exc, docker.errors.TLSParameterError):
        return InvalidSpec("tls", str(exc))
    if _read_timed_out(exc):
        return EngineTimeout(f"Docker engine did not answer in time: {exc}", str(exc))
    if isinstance(exc, docker.errors.DockerException | requests.exceptions.RequestException):
        return EngineUnreachable(f"Docker engine unreachable: {exc}", str(exc))
    if isinstance(exc, ConnectionError | TimeoutError):
        return EngineUnreachable(f"Docker engine unreachable: {exc}", str(exc))
    return exc


@contextlib.contextmanager
def translated():
    """Run a block of SDK calls, re-raising their errors as this layer's types."""
    try:
        yield
    except Exception as exc:
        converted = translate(exc)
        if converted is exc:
            raise
        raise converted from exc
