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
    """Make ``image`` present as the policy says and return the image id to run.

    ``always`` pulls every time, ``ifnotpresent`` only when the engine lacks the image,
    ``never`` only uses a present image. The name is resolved once, to the id it names now
    or to the digest the pull fetched, and the container runs that id: a name on a shared
    engine can be moved to another image between a check and a create, an id cannot.
    """
    if policy != "always":
        image_id = engine.image_id(image)
        if image_id is not None:
            return image_id
        if policy == "never":
            raise errors.ImageMissing(
                f"image {image} is not present and image_pull_policy is never",
                "pull it first, or set image_pull_policy to ifnotpresent")
    auth = {"username": username, "password": password or ""} if username else None
    repository, _ = parsing.repository_tag(image)
    try:
        digest = engine.pull(image, auth_config=auth)
    except (errors.EngineError, errors.ImageMissing) as exc:
        raise type(exc)(_pull_failure(image, username,
                                      exc.explanation or exc.message),
                        exc.explanation) from exc
    image_id = engine.image_id(f"{repository}@{digest}")
    if image_id is None:
        raise errors.ImageMissing(f"{repository}@{digest} is not in the engine after a pull")
    return image_id


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
