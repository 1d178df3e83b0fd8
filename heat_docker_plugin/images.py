"""Making a container's image present according to its pull policy."""

import docker.utils

from openstack_docker import errors


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
        engine.api.pull(repository, tag=tag or "latest", auth_config=auth)
