"""The rules of engine image garbage collection, on a fake engine."""

import os
import time
import types

import pytest

from openstack_docker import errors
from openstack_docker.images.retention import BroughtImages

A, B = (f"sha256:{digit * 64}" for digit in "ab")


class FakeEngine:
    """Images and containers of one engine, behind the Engine methods retention uses;
    remove_image refuses as the engine does."""

    endpoint = types.SimpleNamespace(url="unix:///fake")

    def __init__(self, images=(), daemon_id="AAAA:BBBB"):
        self.image_set = set(images)
        self.container_images = []
        self.refuse = set()
        self.removed = []
        self.daemon_id = daemon_id

    def info(self):
        return {"ID": self.daemon_id}

    def list_image_ids(self):
        return sorted(self.image_set)

    def images_in_use(self):
        return set(self.container_images)

    def remove_image(self, image):
        if image not in self.image_set:
            raise errors.ImageMissing(f"No such image: {image}")
        if image in self.refuse or image in self.container_images:
            raise errors.Conflict(f"conflict: unable to delete {image} (must be forced)")
        self.image_set.remove(image)
        self.removed.append(image)


def fake_engine(*images, daemon_id="AAAA:BBBB"):
    return FakeEngine(images, daemon_id)


@pytest.fixture
def records(tmp_path):
    return BroughtImages(str(tmp_path / "records"))


def bring(records, engine, image_id):
    """What a load or pull does: the image appears during ensure."""
    def ensure():
        engine.image_set.add(image_id)
        return image_id
    return records.track(engine, ensure)


def age(records, engine, image_id, seconds):
    path = records._path(engine, image_id)
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_only_images_the_engine_lacked_are_recorded(records):
    engine = fake_engine(A)
    assert bring(records, engine, A) == A  # already there: an operator's image
    assert bring(records, engine, B) == B
    assert records.image_ids(engine) == [B]
    assert records.track(engine, lambda: None) is None  # nothing resolved: no record
    assert records.image_ids(engine) == [B]


def test_unrecorded_image_is_never_removed(records):
    engine = fake_engine(A)
    bring(records, engine, A)
    bring(records, engine, B)
    age(records, engine, B, 10)
    assert records.prune(engine, 0) == [B]
    assert engine.image_set == {A}


def test_image_with_any_container_is_kept_and_marked_used(records):
    engine = fake_engine()
    bring(records, engine, B)
    age(records, engine, B, 1000)
    engine.container_images = [B]  # any owner's, running or stopped
    assert records.prune(engine, 100) == []
    assert engine.removed == []
    engine.container_images = []
    assert records.prune(engine, 100) == []  # in use just now: not old enough
    age(records, engine, B, 1000)
    assert records.prune(engine, 100) == [B]


def test_not_before_min_age_and_every_use_refreshes(records):
    engine = fake_engine()
    bring(records, engine, B)
    age(records, engine, B, 50)
    assert records.prune(engine, 100) == []
    age(records, engine, B, 150)
    records.used(engine, B)
    assert records.prune(engine, 100) == []
    age(records, engine, B, 150)
    bring(records, engine, B)  # present now: a later ensure refreshes the record
    assert records.prune(engine, 100) == []
    assert records.image_ids(engine) == [B]
    age(records, engine, B, 150)
    assert records.prune(engine, 100) == [B]
    assert records.image_ids(engine) == []


def test_refused_removal_keeps_the_record(records):
    engine = fake_engine()
    bring(records, engine, B)
    engine.refuse.add(B)  # got a tag or a child image meanwhile
    assert records.prune(engine, 0) == []
    assert records.image_ids(engine) == [B]
    engine.refuse.clear()
    assert records.prune(engine, 0) == [B]


def test_image_already_gone_drops_its_record(records):
    engine = fake_engine()
    bring(records, engine, B)
    engine.image_set.clear()
    assert records.prune(engine, 0) == []
    assert records.image_ids(engine) == []


def test_no_engine_call_without_records(records):
    engine = fake_engine()
    engine.images_in_use = None  # would fail if called
    assert records.prune(engine, 0) == []
    records.used(engine, A)  # used but never recorded: stays unrecorded
    assert records.image_ids(engine) == []


def test_records_are_per_engine(records):
    first, second = fake_engine(), fake_engine(daemon_id="CCCC:DDDD")
    bring(records, first, B)
    second.image_set.add(B)  # the same image, in another engine
    assert records.prune(second, 0) == []
    assert B in second.image_set
    assert records.prune(first, 0) == [B]


def test_only_sha256_ids_get_a_record(records):
    engine = fake_engine()
    bring(records, engine, "../../etc/passwd")
    assert records.image_ids(engine) == []
    assert not os.path.exists(os.path.join(records.directory, "etc"))


def test_unwritable_directory_does_not_fail_the_ensure(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    records = BroughtImages(str(blocker / "records"))
    engine = fake_engine()
    assert bring(records, engine, B) == B
    assert records.image_ids(engine) == []
