"""Image references the bridge accepts and the ones it refuses, with the field named."""

import pytest

from openstack_docker.images.bridge.errors import InvalidSpec
from openstack_docker.images.bridge.reference import parse

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("text, expected", [
    ("127.0.0.1:5000/testbed/base:v1", ("127.0.0.1:5000", "testbed/base", "v1", None)),
    ("127.0.0.1:5000/base", ("127.0.0.1:5000", "base", "latest", None)),
    ("registry.example.org/a/b/c:1.0-rc", ("registry.example.org", "a/b/c", "1.0-rc", None)),
    ("localhost/app", ("localhost", "app", "latest", None)),
    (f"reg.example:443/app@{DIGEST}", ("reg.example:443", "app", None, DIGEST)),
    (f"reg.example/app:v2@{DIGEST}", ("reg.example", "app", "v2", DIGEST)),
])
def test_valid(text, expected):
    ref = parse(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == expected
    assert parse(str(ref)) == ref


@pytest.mark.parametrize("text, problem", [
    ("busybox", "names no registry"),
    ("library/busybox:latest", "names no registry"),
    ("", "required"),
    ("127.0.0.1:5000/Upper:v1", "component 'Upper'"),
    ("127.0.0.1:5000/app:bad!tag", "tag 'bad!tag'"),
    ("127.0.0.1:5000/app@sha256:short", "is not sha256"),
])
def test_invalid_names_the_field_and_fix(text, problem):
    with pytest.raises(InvalidSpec, match=problem) as caught:
        parse(text)
    assert caught.value.field == "reference"
    assert "REGISTRY/REPO:TAG" in caught.value.fix


def test_repository_form():
    ref = parse("127.0.0.1:5000/testbed/base", field="repository", tagged=False)
    assert ref.tag is None and ref.with_tag("x").tag == "x"
    with pytest.raises(InvalidSpec, match="repository is expected"):
        parse("127.0.0.1:5000/testbed/base:v1", field="repository", tagged=False)
