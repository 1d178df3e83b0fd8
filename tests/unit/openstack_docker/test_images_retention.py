"""The rules of engine image garbage collection, on a fake engine."""

import os
import time
import types

import docker.errors
import pytest
import requests

from openstack_docker.images.retention import BroughtImages

A, B = (f"sha256:{digit * 64}" for digit in "ab")


def _api_error(status, message):
    response = requests.Response()
    response.status_code = status
    return docker.errors.APIError(message, response=response, explanation=message)


class FakeAPI:
    """Images and containers of one engine; remove_image behaves like the engine's."""

    def __init__(self, images=(), daemon_id="AAAA:BBBB"):
        self.image_set = set(images)
        self.container_images = []
        self.refuse = set()
        self.removed = []
        self.daemon_id = daemon_id

    def info(self):
        return {"ID": self.daemon_id}

    def images(self, all=False, quiet=False):
        assert all and quiet
        return sorted(self.image_set)

    def containers(self, all=False):
        assert all
        return [{"Id": f"c{n}", "ImageID": image}
                for n, image in enumerate(self.container_images)]

    def remove_image(self, image, force=False, noprune=False):
        assert not force
        if image not in self.image_set:
            raise _api_error(404, f"No such image: {image}")
        if image in self.refuse or image in self.container_images:
            raise _api_error(409, f"conflict: unable to delete {image} (must be forced)")
        self.image_set.remove(image)
        self.removed.append(image)


class FakeEngine:
    endpoint = types.SimpleNamespace(url="unix:///fake")

    def __init__(self, api):
        self.api = api


def fake_engine(*images, daemon_id="AAAA:BBBB"):
    return FakeEngine(FakeAPI(images, daemon_id))


@pytest.fixture
def records(tmp_path):
    return BroughtImages(str(tmp_path / "records"))


def bring(records, engine, image_id):
    """What a load or pull does: the image appears during ensure."""
    def ensure():
        engine.api.image_set.add(image_id)
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
    assert engine.api.image_set == {A}


def test_image_with_any_container_is_kept_and_marked_used(records):
    engine = fake_engine()
    bring(records, engine, B)
    age(records, engine, B, 1000)
    engine.api.container_images = [B]  # any owner's, running or stopped
    assert records.prune(engine, 100) == []
    assert engine.api.removed == []
    engine.api.container_images = []
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
    engine.api.refuse.add(B)  # got a tag or a child image meanwhile
    assert records.prune(engine, 0) == []
    assert records.image_ids(engine) == [B]
    engine.api.refuse.clear()
    assert records.prune(engine, 0) == [B]


def test_image_already_gone_drops_its_record(records):
    engine = fake_engine()
    bring(records, engine, B)
    engine.api.image_set.clear()
    assert records.prune(engine, 0) == []
    assert records.image_ids(engine) == []


def test_no_engine_call_without_records(records):
    engine = fake_engine()
    engine.api.containers = None  # would fail if called
    assert records.prune(engine, 0) == []
    records.used(engine, A)  # used but never recorded: stays unrecorded
    assert records.image_ids(engine) == []


def test_records_are_per_engine(records):
    first, second = fake_engine(), fake_engine(daemon_id="CCCC:DDDD")
    bring(records, first, B)
    second.api.image_set.add(B)  # the same image, in another engine
    assert records.prune(second, 0) == []
    assert B in second.api.image_set
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
