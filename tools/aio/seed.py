"""What the all-in-one's users find in it: the service catalog and service users, a demo
project and user, flavors, the testbed's images in Glance, and a clouds.yaml."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import yaml

from . import base

CLOUDS = base.STATE / "clouds.yaml"
# Also written where openstackclient looks by default, unless something else is there.
SYSTEM_CLOUDS = Path("/etc/openstack/clouds.yaml")
MARKER = "# written by tools/allinone"
ADMIN_CLOUD, DEMO_CLOUD = "allinone-admin", "allinone"
SERVICE_USERS = ["glance", "placement", "nova", "neutron", "heat", "magnum"]
FLAVORS = [("m1.tiny", 1, 256, 1), ("m1.small", 1, 512, 5), ("m1.medium", 2, 1024, 10)]
IMAGES = ["server", "sleeper", "base"]


def clouds() -> dict:
    def cloud(user: str, project: str, password: str) -> dict:
        return {"auth": {"auth_url": base.KEYSTONE_URL, "username": user,
                         "password": password, "project_name": project,
                         "user_domain_name": "Default", "project_domain_name": "Default"},
                "region_name": base.REGION, "identity_api_version": 3,
                "interface": "public"}
    return {"clouds": {ADMIN_CLOUD: cloud("admin", "admin", base.secret("admin")),
                       DEMO_CLOUD: cloud("demo", "demo", base.secret("demo"))}}


def write_clouds() -> None:
    text = f"{MARKER} up: the all-in-one's admin and demo users\n" + yaml.safe_dump(clouds())
    CLOUDS.touch(mode=0o600)
    CLOUDS.write_text(text)
    if not SYSTEM_CLOUDS.exists() or SYSTEM_CLOUDS.read_text().startswith(MARKER):
        SYSTEM_CLOUDS.parent.mkdir(parents=True, exist_ok=True)
        SYSTEM_CLOUDS.touch(mode=0o600)
        SYSTEM_CLOUDS.write_text(text)


def connect(cloud: str = ADMIN_CLOUD):
    import openstack
    return openstack.connect(load_yaml_config=False, load_envvars=False,
                             **clouds()["clouds"][cloud])


def users() -> None:
    """Service users (admin and service roles in project service), the demo project and
    its user (member)."""
    conn = connect()
    identity = conn.identity
    service_project = conn.get_project("service") or identity.create_project(
        name="service", domain_id="default", description="OpenStack services")
    roles = {name: conn.get_role(name) or identity.create_role(name=name)
             for name in ("admin", "service", "member", "reader")}
    for user in SERVICE_USERS:
        found = conn.get_user(user) or identity.create_user(
            name=user, password=base.secret(user), domain_id="default")
        for role in ("admin", "service"):
            conn.grant_role(roles[role].id, user=found.id, project=service_project.id)
    demo = conn.get_project("demo") or identity.create_project(
        name="demo", domain_id="default", description="the all-in-one's demo project")
    demo_user = conn.get_user("demo") or identity.create_user(
        name="demo", password=base.secret("demo"), domain_id="default",
        default_project_id=demo.id)
    for role in ("member", "reader"):
        conn.grant_role(roles[role].id, user=demo_user.id, project=demo.id)


def register(catalog: list[tuple[str, str, str]]) -> None:
    """Every API in the catalog: once for each version of it, so a new API is added at the
    next `up` and an unchanged catalog costs nothing (add_endpoint is idempotent)."""
    def add_all() -> None:
        conn = connect()
        for name, kind, url in catalog:
            add_endpoint(conn, name, kind, url)

    digest = hashlib.sha256(repr(catalog).encode()).hexdigest()[:12]
    base.once(f"catalog-{digest}", add_all)


def add_endpoint(conn, name: str, kind: str, url: str) -> None:
    """Service `kind` in the catalog with public and internal URL `url` (idempotent)."""
    identity = conn.identity
    service = next(iter(identity.services(type=kind)), None) or identity.create_service(
        name=name, type=kind, description=f"{name} of the all-in-one")
    present = {e.interface: e for e in identity.endpoints(service_id=service.id)}
    for interface in ("public", "internal"):
        if interface in present and present[interface].url == url:
            continue
        if interface in present:
            identity.update_endpoint(present[interface], url=url)
        else:
            identity.create_endpoint(service_id=service.id, interface=interface, url=url,
                                     region_id=base.REGION)


def flavors() -> None:
    conn = connect()
    have = {flavor.name for flavor in conn.compute.flavors()}
    for name, vcpus, ram, disk in FLAVORS:
        if name not in have:
            conn.compute.create_flavor(name=name, vcpus=vcpus, ram=ram, disk=disk,
                                       is_public=True)


def images() -> None:
    """The testbed's images, copied from its registry into our Glance (public)."""
    cloud = clouds()["clouds"][ADMIN_CLOUD]["auth"]
    env = os.environ | {"OS_AUTH_TYPE": "password", "OS_AUTH_URL": cloud["auth_url"],
                        "OS_USERNAME": "admin", "OS_PASSWORD": cloud["password"],
                        "OS_PROJECT_NAME": "admin", "OS_USER_DOMAIN_NAME": "Default",
                        "OS_PROJECT_DOMAIN_NAME": "Default", "OS_REGION_NAME": base.REGION}
    conn = connect()
    for name in IMAGES:
        image_name = f"testbed-{name}"
        found = conn.image.find_image(image_name)
        if found is None:
            ref = f"{base.testbed.IMAGE_NAMESPACE}/{name}:latest"
            proc = subprocess.run([str(base.BIN / "glance-docker"), "import", "--quiet",
                                   "--name", image_name, ref], env=env, capture_output=True,
                                  text=True)
            if proc.returncode:
                raise base.AioError(f"glance-docker import {ref} failed: {proc.stderr}")
            found = conn.image.find_image(image_name)
        if found.visibility != "public":
            conn.image.update_image(found, visibility="public")
