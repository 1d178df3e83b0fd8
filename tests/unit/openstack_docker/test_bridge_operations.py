"""Import, dedupe and cleanup logic on fakes (the real services are in functional tests)."""

import gzip
import hashlib
import json
import uuid

import pytest

from openstack_docker.images.bridge import errors
from openstack_docker.images.bridge import registry as reg
from openstack_docker.images.bridge.bridge import Bridge

LAYER = gzip.compress(b"layer data" * 1000)
CONFIG = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + "1" * 64]}}).encode()
REF = "reg.example/app:v1"


class FakeRegistry:
    def __init__(self, fail_after=None):
        self.config = reg.Descriptor(reg.CONFIG_V1, reg.sha256_digest(CONFIG), len(CONFIG))
        self.layer = reg.Descriptor(reg.LAYER_GZIP, reg.sha256_digest(LAYER), len(LAYER))
        self.fail_after = fail_after

    def manifest(self, ref, platform):
        if ref.tag == "missing":
            raise errors.ImageNotInRegistry(f"{ref}: manifest unknown")
        return reg.Manifest("sha256:" + "9" * 64, reg.MANIFEST_V2, self.config, (self.layer,))

    def blob(self, repository, descriptor):
        return CONFIG

    def blob_chunks(self, repository, descriptor):
        yield LAYER[:100]
        if self.fail_after is not None:
            raise errors.RegistryError("registry reg.example broke off")
        yield LAYER[100:]


class FakeGlance:
    """Glance as the bridge sees it; images are owned by ``project`` (None: no Keystone)."""

    def __init__(self, upload_error=None, delete_error=None, get_error=None, project=None):
        self.images = {}
        self.upload_error = upload_error
        self.delete_error = delete_error
        self.get_error = get_error
        self.project = project

    def project_id(self):
        return self.project

    def create(self, name, properties, owner=None):
        image = {"id": str(uuid.uuid4()), "name": name, "status": "queued",
                 "container_format": "docker", "owner": owner or self.project, **properties}
        self.images[image["id"]] = image
        return image

    def upload(self, image_id, chunks):
        data = b"".join(chunks)
        if self.upload_error:
            raise self.upload_error
        self.images[image_id].update(status="active", size=len(data),
                                     checksum=hashlib.md5(data).hexdigest())

    def get(self, image_id):
        if self.get_error and self.images[image_id]["status"] == "active":
            raise self.get_error
        return dict(self.images[image_id])

    def delete(self, image_id):
        if self.delete_error:
            raise self.delete_error
        del self.images[image_id]

    def docker_images(self, **filters):
        return [dict(i) for i in self.images.values()
                if all(i.get(k) == v for k, v in filters.items())]


def _bridge(glance, registry=None):
    registry = registry or FakeRegistry()
    return Bridge(glance, lambda host: registry)


def test_import_records_the_properties_the_loader_needs():
    glance = FakeGlance()
    result = _bridge(glance).import_image(REF)
    image = glance.images[result.id]
    assert image["docker_reference"] == REF
    assert image["docker_manifest_digest"] == "sha256:" + "9" * 64
    assert image["docker_image_id"] == reg.sha256_digest(CONFIG)
    assert "docker_reference_only" not in image
    assert image["status"] == "active" and image["size"] == result.size > len(LAYER)


def test_same_digest_is_reused_per_kind():
    glance = FakeGlance()
    bridge = _bridge(glance)
    copied = bridge.import_image(REF)
    assert bridge.import_image(REF).reused
    pointer = bridge.import_image(REF, reference_only=True)
    assert not pointer.reused and pointer.id != copied.id and pointer.size == 0
    assert bridge.import_image(REF, reference_only=True).id == pointer.id
    assert len(glance.images) == 2


def _planted(glance, owner, image_id=None, **properties):
    """An active image someone else made claiming to be REF's manifest."""
    return glance.create("planted", {
        "docker_manifest_digest": "sha256:" + "9" * 64, "visibility": "public",
        "docker_image_id": image_id or reg.sha256_digest(CONFIG), "status": "active",
        **properties}, owner=owner)


@pytest.mark.parametrize("project", [None, "my-project"])
def test_only_own_images_with_the_right_image_id_are_reused(project):
    """Properties are claims anyone can make on an image they share: a public image of another
    project, or one whose image id is not the manifest's config, is never reused."""
    glance = FakeGlance(project=project)
    foreign = _planted(glance, owner="other-project")
    forged = _planted(glance, owner=project, image_id="sha256:" + "0" * 64)
    result = _bridge(glance).import_image(REF)
    assert not result.reused and result.id not in (foreign["id"], forged["id"])
    assert glance.images[result.id]["owner"] == project
    assert _bridge(glance).import_image(REF).id == result.id


@pytest.mark.parametrize("value", ["true", "True", "1", "yes"])
def test_reference_only_spellings_are_reused_as_reference_only(value):
    glance = FakeGlance()
    own = _planted(glance, owner=None, docker_reference_only=value)
    result = _bridge(glance).import_image(REF, reference_only=True)
    assert result.reused and result.id == own["id"] and result.reference_only
    assert not _bridge(glance).import_image(REF).reused


def test_registry_failure_deletes_the_partial_image():
    glance = FakeGlance()
    with pytest.raises(errors.RegistryError, match="broke off"):
        _bridge(glance, FakeRegistry(fail_after=100)).import_image(REF)
    assert glance.images == {}


def test_glance_failure_that_also_blocks_delete_is_reported():
    glance = FakeGlance(upload_error=errors.GlanceError("Glance unreachable during upload"),
                        delete_error=errors.GlanceError("Glance unreachable during delete"))
    with pytest.raises(errors.TransferFailed, match=r"could not be deleted.*not active"):
        _bridge(glance).import_image(REF)
    assert [i["status"] for i in glance.images.values()] == ["queued"]


def test_glance_lost_after_the_upload_does_not_claim_the_image_is_inactive():
    """The upload went through, then Glance vanished: the image may well be active."""
    glance = FakeGlance(get_error=errors.GlanceError("Glance unreachable during image"),
                        delete_error=errors.GlanceError("Glance unreachable during delete"))
    with pytest.raises(errors.TransferFailed) as caught:
        _bridge(glance).import_image(REF)
    message = str(caught.value)
    assert "accepted its upload" in message and "may be active" in message
    assert "not active" not in message and "openstack image delete" in message
    assert [i["status"] for i in glance.images.values()] == ["active"]


def test_active_image_with_wrong_data_that_cannot_be_deleted_is_called_so():
    glance = FakeGlance(delete_error=errors.GlanceError("Glance unreachable during delete"))
    original = glance.upload

    def short(image_id, chunks):
        original(image_id, chunks)
        glance.images[image_id]["size"] -= 1

    glance.upload = short
    with pytest.raises(errors.TransferFailed, match="active with data that failed verification"):
        _bridge(glance).import_image(REF)


def test_interrupt_deletes_and_propagates():
    glance = FakeGlance(upload_error=KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        _bridge(glance).import_image(REF)
    assert glance.images == {}


def test_wrong_result_in_glance_is_not_accepted():
    glance = FakeGlance()
    original = glance.upload

    def corrupting(image_id, chunks):
        original(image_id, chunks)
        glance.images[image_id]["checksum"] = "0" * 32

    glance.upload = corrupting
    with pytest.raises(errors.TransferFailed, match="expected active"):
        _bridge(glance).import_image(REF)
    assert glance.images == {}


def test_missing_tag_creates_nothing():
    glance = FakeGlance()
    with pytest.raises(errors.ImageNotInRegistry, match="app:missing"):
        _bridge(glance).import_image("reg.example/app:missing")
    assert glance.images == {}


def test_export_refuses_reference_only_images():
    glance = FakeGlance()
    pointer = _bridge(glance).import_image(REF, reference_only=True)
    glance.resolve = glance.get
    with pytest.raises(errors.BridgeError, match="holds no data"):
        _bridge(glance).export_image(pointer.id, "reg.example/app:copy")
