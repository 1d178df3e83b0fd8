"""Images no other test knows: built locally from a testbed image with a unique label.

Only the label is new (no layer, no network), so the build is quick; the image id is new,
so a load or pull of it really brings it into the engine, and removing it touches nothing
another test uses.
"""

import contextlib
import io
import tarfile
import uuid

from openstack_docker import errors
from openstack_docker.images.bridge.reference import parse
from openstack_docker.images.bridge.registry import Registry
from tests.common.engine_calls import sdk_client
from tests.common.helpers import delete_manifest

LABEL = "org.openstack-docker.test.unique"


def build(engine, base, tag):
    """Build ``tag`` (``REPOSITORY:TAG``) as ``base`` plus a unique label; returns its id."""
    dockerfile = f"FROM {base}\nLABEL {LABEL}={uuid.uuid4().hex}\n".encode()
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
    context.seek(0)
    with errors.translated():
        for message in sdk_client(engine).build(fileobj=context, custom_context=True, tag=tag,
                                        rm=True, forcerm=True, pull=False, decode=True):
            if message.get("error"):
                raise errors.EngineError(f"build of {tag}: {message['error']}")
        return engine.image_id(tag)


def save(engine, image_id, path):
    """``docker save`` of ``image_id`` (by id: the tarball names no tag) into ``path``."""
    with errors.translated(), open(path, "wb") as handle:
        for chunk in engine.save_image(image_id):
            handle.write(chunk)
    return path


def present(engine, image_id):
    try:
        with errors.translated():
            engine.inspect_image(image_id)
    except errors.NotFound:
        return False
    return True


def remove(engine, image_id):
    """Remove a test's own image: its containers (any owner: all are the test's), its tags
    and the image; nothing if it is gone already."""
    with errors.translated():
        for container in sdk_client(engine).containers(all=True, filters={"ancestor": image_id}):
            sdk_client(engine).remove_container(container["Id"], force=True, v=True)
    with contextlib.suppress(errors.NotFound), errors.translated():
        for tag in engine.inspect_image(image_id).get("RepoTags") or []:
            engine.remove_image(tag)
        engine.remove_image(image_id, force=True)


def push(engine, reference):
    """Push ``reference`` (``REGISTRY/REPOSITORY:TAG``) to its (open) registry."""
    repository, tag = reference.rsplit(":", 1)
    with errors.translated():
        for message in sdk_client(engine).push(repository, tag=tag, stream=True, decode=True):
            if message.get("error"):
                raise errors.EngineError(f"push of {reference}: {message['error']}")


def delete_pushed(reference):
    """Delete what :func:`push` put into the registry."""
    registry = Registry(reference.split("/", 1)[0])
    try:
        parsed = parse(reference)
        delete_manifest(registry, parsed, registry.manifest(parsed).digest)
    finally:
        registry.close()
