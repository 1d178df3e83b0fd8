"""The Glance properties shared by the bridge and the loader."""

import pytest

from openstack_docker.images import properties


@pytest.mark.parametrize("value", ["true", "True", "TRUE", "1", "yes", "Yes", "on", " y ", True])
def test_reference_only_accepts_every_true_spelling(value):
    assert properties.is_reference_only({properties.REFERENCE_ONLY: value})


@pytest.mark.parametrize("value", ["false", "False", "0", "no", "", None, False, "maybe"])
def test_anything_else_is_an_image_with_data(value):
    assert not properties.is_reference_only({properties.REFERENCE_ONLY: value})


def test_absent_is_an_image_with_data():
    assert not properties.is_reference_only({})


def test_what_the_bridge_writes_reads_back_as_reference_only():
    assert properties.is_reference_only({properties.REFERENCE_ONLY: properties.TRUE})

