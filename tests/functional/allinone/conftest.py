"""Every test here runs against the all-in-one; say so clearly when it is not up."""

import docker
import pytest

from tests.functional.allinone import cloud


@pytest.fixture(scope="session", autouse=True)
def allinone():
    cloud.check_up()


@pytest.fixture(scope="session")
def engine():
    client = docker.DockerClient(base_url="unix:///var/run/docker.sock")
    yield client
    client.close()
