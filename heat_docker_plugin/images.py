"""Making a container's image present according to its pull policy."""

import docker.auth
import docker.utils

from openstack_docker import errors

_AUTH_WORDS = ("unauthorized", "authentication required", "no basic auth credentials",
               "denied", "incorrect username or password")


def ensure_image(engine, image, policy, username=None, password=None):
    """Pull ``image`` when the policy asks for it.

    ``always`` pulls every time, ``ifnotpresent`` only when the engine lacks the image,
    ``never`` leaves it to the create call (which fails with ImageMissing if absent).
    """
    if policy == "never":
        return
    with errors.translated():
        if policy == "ifnotpresent":
            try:
                engine.api.inspect_image(image)
                return
            except docker.errors.ImageNotFound:
                pass
    repository, tag = docker.utils.parse_repository_tag(image)
    auth = {"username": username, "password": password or ""} if username else None
    try:
        with errors.translated():
            engine.api.pull(repository, tag=tag or "latest", auth_config=auth)
    except (errors.EngineError, errors.ImageMissing) as exc:
        raise type(exc)(_pull_failure(image, repository, username, exc.message),
                        exc.explanation) from exc


def _pull_failure(image, repository, username, engine_message):
    """The engine's reason, plus which registry and which properties to look at.

    The engine's own words can be bare ("unauthorized: authentication required"), or, for a
    registry it may also try over plain HTTP, about the HTTP retry ("connection reset by
    peer") rather than the refusal that caused it.
    """
    registry, _ = docker.auth.resolve_repository_name(repository)
    refused = any(word in engine_message.lower() for word in _AUTH_WORDS)
    if username and refused:
        hint = (f"registry {registry} refused user {username!r}: check registry_username "
                "and registry_password")
    elif username:
        hint = f"registry {registry}, user {username!r}"
    else:
        hint = (f"registry {registry}, no credentials sent: if it needs authentication, set "
                "registry_username and registry_password")
    return f"pull of {image} failed: {engine_message} ({hint})"
