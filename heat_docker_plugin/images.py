"""Making a container's image present according to its pull policy."""

from openstack_docker import errors, parsing

_AUTH_WORDS = ("unauthorized", "authentication required", "no basic auth credentials",
               "denied", "incorrect username or password")


def pull_policy(requested, username, always_pull):
    """The policy to apply: ``always`` when the operator says so (a present private image
    would otherwise run without the registry checking credentials) or, by default, when
    the template gives credentials; else the template's choice, ``ifnotpresent`` by
    default."""
    if always_pull:
        return "always"
    return requested or ("always" if username else "ifnotpresent")


def ensure_image(engine, image, policy, username=None, password=None):
    """Pull ``image`` when the policy asks for it.

    ``always`` pulls every time, ``ifnotpresent`` only when the engine lacks the image,
    ``never`` leaves it to the create call (which fails with ImageMissing if absent).
    """
    if policy == "never":
        return
    if policy == "ifnotpresent":
        try:
            engine.inspect_image(image)
            return
        except errors.ImageMissing:
            pass
    auth = {"username": username, "password": password or ""} if username else None
    try:
        engine.pull(image, auth_config=auth)
    except (errors.EngineError, errors.ImageMissing) as exc:
        raise type(exc)(_pull_failure(image, username,
                                      exc.explanation or exc.message),
                        exc.explanation) from exc


def _pull_failure(image, username, engine_message):
    """The engine's reason, plus which registry and which properties to look at.

    The engine's own words can be bare ("unauthorized: authentication required"), or, for a
    registry it may also try over plain HTTP, about the HTTP retry ("connection reset by
    peer") rather than the refusal that caused it.
    """
    registry = parsing.registry_of(image)
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
