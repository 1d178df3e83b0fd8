"""Files an instance expects to find at boot: user_data, meta-data and injected files.

None of them may reach a snapshot (a commit of the container's writable layer), since
they may hold secrets:

* user_data and meta-data land in ``[docker] cloud_seed_dir`` as ``user-data`` and
  ``meta-data`` (the cloud-init NoCloud layout, which needs both), copied with the
  engine's archive API into the created container's seed directory, a volume of the
  container's own (:func:`private_dirs`);
* injected files are written to the instance directory on this host and bind-mounted,
  read-only, at the absolute path Nova gives (:func:`injected_binds`): a mount is not part
  of the writable layer. That needs the engine on this host, like VIF plugging.

An instance without user_data gets no copy at all: the archive call costs a spawn tens of
milliseconds.
"""

import base64
import binascii
import io
import json
import os
import tarfile
import time

from openstack_docker.errors import InvalidSpec


def _user_data(instance):
    encoded = instance.user_data if instance.obj_attr_is_set("user_data") else None
    if not encoded:
        return None
    try:
        return base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError):
        raise InvalidSpec("user_data", "is not base64", "encode user data as base64") from None


def _meta_data(instance):
    hostname = instance.hostname if instance.obj_attr_is_set("hostname") else None
    metadata = instance.metadata if instance.obj_attr_is_set("metadata") else {}
    return json.dumps({"instance-id": instance.uuid, "uuid": instance.uuid,
                       "local-hostname": hostname or instance.uuid,
                       "meta": dict(metadata or {})}, indent=1).encode()


def private_dirs(instance, seed_dir):
    """Directories to create the container with as anonymous volumes of its own.

    user_data may hold secrets: on a volume they stay out of the container's writable
    layer, hence out of every commit (snapshot), and go with the container.
    """
    return [seed_dir] if _user_data(instance) is not None else []


def injected_binds(injected_files, directory):
    """Write the injected files under ``directory`` (created) and return the bind mounts
    that show each one, read-only, at its path in the container."""
    binds = {}
    for number, (path, contents) in enumerate(injected_files or ()):
        if not str(path).startswith("/"):
            raise InvalidSpec("injected file path", f"{path!r} is not absolute",
                              "give the full path the file should have in the instance")
        os.makedirs(directory, mode=0o700, exist_ok=True)
        host_path = os.path.join(directory, str(number))
        with open(host_path, "wb") as handle:
            handle.write(contents.encode() if isinstance(contents, str) else bytes(contents))
        os.chmod(host_path, 0o644)
        binds[host_path] = {"bind": os.path.normpath(path), "mode": "ro"}
    return binds


def files_for(instance, seed_dir):
    """``{absolute path: bytes}`` of the seed to place in the container."""
    files = {}
    user_data = _user_data(instance)
    if user_data is not None:
        files[os.path.join(seed_dir, "user-data")] = user_data
        files[os.path.join(seed_dir, "meta-data")] = _meta_data(instance)
    return files


def _archive(files):
    """A tar of ``files`` relative to /.

    No directory entries: the engine creates missing parents (0755) and would otherwise
    reset the mode of existing ones such as /tmp.
    """
    buffer = io.BytesIO()
    now = time.time()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(path.lstrip("/"))
            info.size, info.mode, info.mtime = len(data), 0o644, now
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def install(engine, container_id, instance, seed_dir):
    """Copy the instance's seed, if it has user_data, into a created container."""
    files = files_for(instance, seed_dir)
    if not files:
        return
    engine.put_archive(container_id, "/", _archive(files))
