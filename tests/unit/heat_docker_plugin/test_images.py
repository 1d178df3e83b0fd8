"""A container's image name is resolved once, to the id the container then runs."""

import pytest

from heat_docker_plugin import images
from openstack_docker import errors

NAME = "127.0.0.1:5000/app:v1"
DIGEST = "sha256:" + "d" * 64
PRESENT = "sha256:" + "1" * 64
PULLED = "sha256:" + "2" * 64


class FakeEngine:
    """Knows NAME (when present) and what a pull brings, by digest only."""

    def __init__(self, present):
        self.names = {NAME: PRESENT} if present else {}
        self.pulls = []

    def image_id(self, reference):
        return self.names.get(reference)

    def pull(self, reference, auth_config=None):
        self.pulls.append(reference)
        self.names[f"127.0.0.1:5000/app@{DIGEST}"] = PULLED
        self.names[NAME] = "sha256:" + "9" * 64  # the tag moves on at once: never used
        return DIGEST


@pytest.mark.parametrize("policy", ["ifnotpresent", "never"])
def test_a_present_image_runs_by_the_id_it_has_now(policy):
    engine = FakeEngine(present=True)
    assert images.ensure_image(engine, NAME, policy) == PRESENT
    assert engine.pulls == []


@pytest.mark.parametrize("policy,present", [("always", True), ("ifnotpresent", False)])
def test_a_pulled_image_runs_by_the_digest_that_was_pulled(policy, present):
    engine = FakeEngine(present=present)
    assert images.ensure_image(engine, NAME, policy) == PULLED
    assert engine.pulls == [NAME]


def test_never_names_the_policy_when_the_image_is_absent():
    with pytest.raises(errors.ImageMissing, match="image_pull_policy is never"):
        images.ensure_image(FakeEngine(present=False), NAME, "never")
