"""glance-docker against real registries that want credentials or speak TLS.

Each registry is a private ``docker-registry`` (distribution 2.8) started for this module by
:mod:`tests.common.registry_fixture`: Basic auth (htpasswd), TLS with a CA made for
it, and Bearer tokens from a token service the registry trusts. Each holds a fresh image of
random data pushed by the engine with credentials; the command line (as an operator runs it)
imports it into the testbed's Glance, and the engine loads what Glance holds.
"""

import base64
import contextlib
import json
import os
import subprocess
import sys
import uuid

import pytest
from keystoneauth1 import noauth, session

from openstack_docker.images.bridge import errors
from openstack_docker.images.bridge.glance import Glance
from tests.common import registry_fixture, testbed
from tests.functional.openstack_docker import bridge_services as services

pytestmark = pytest.mark.functional
CLI = [sys.executable, "-m", "openstack_docker.images.bridge.cli"]
REPOSITORY = "auth-test/random"
SYSTEM_CA = "/etc/ssl/certs/ca-certificates.crt"


@pytest.fixture(scope="module")
def glance():
    return Glance(session.Session(auth=noauth.NoAuth()), endpoint_override=testbed.glance_url())


def _registry_with_image(engine, **options):
    """Start a private registry holding one random image; yields ``(registry, ref, id)``."""
    with registry_fixture.private_registry(**options) as registry:
        tag = uuid.uuid4().hex[:8]
        image_id = registry.push_random(engine, REPOSITORY, tag)
        yield registry, f"{registry.address}/{REPOSITORY}:{tag}", image_id
        services.remove_engine_image(engine, image_id)


@pytest.fixture(scope="module")
def basic(engine):
    yield from _registry_with_image(engine, users={"alice": "wonder-" + uuid.uuid4().hex})


@pytest.fixture(scope="module")
def tls(engine):
    yield from _registry_with_image(engine, tls=True)


@pytest.fixture(scope="module")
def bearer(engine):
    yield from _registry_with_image(engine, users={"bob": "builder-" + uuid.uuid4().hex},
                                    token=True)


@pytest.fixture(scope="module")
def bearer_elsewhere():
    """A token registry whose challenge names its token service as plain HTTP on another host
    name (``localhost``, the registry being 127.0.0.1): no image is needed to be refused."""
    with registry_fixture.private_registry(users={"eve": "exposed-" + uuid.uuid4().hex},
                                           token=True, realm_host="localhost") as registry:
        yield registry


@pytest.fixture
def cli(glance, tmp_path):
    """Run ``glance-docker ... --json``; Glance images it made are deleted afterwards.

    HOME and DOCKER_CONFIG point at an empty directory so that no ``docker login`` of the
    machine lends credentials, and REQUESTS_CA_BUNDLE is set as on Debian hosts (it must not
    override --registry-cacert).
    """
    made = []
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("GLANCE_DOCKER_")}
    base_env |= {"HOME": str(tmp_path), "DOCKER_CONFIG": str(tmp_path / "docker"),
                 "REQUESTS_CA_BUNDLE": SYSTEM_CA}

    def _run(*argv, env=None):
        done = subprocess.run([*CLI, argv[0], "--os-image-url", testbed.glance_url(), "--json",
                               *argv[1:]], capture_output=True, text=True,
                              env=base_env | (env or {}), timeout=300)
        output = json.loads(done.stdout) if done.stdout.strip() else None
        if done.returncode == 0 and argv[0] == "import":
            made.append(output["id"])
        return done.returncode, output, done.stderr

    yield _run
    for image_id in made:
        with contextlib.suppress(errors.GlanceError):
            glance.delete(image_id)


def _assert_loads(engine, glance, image_id, reference, expected_id):
    """The Glance image's data is a ``docker save`` archive the engine loads as the image."""
    image = glance.get(image_id)
    assert (image["status"], image["docker_image_id"], image["docker_reference"]) == \
        ("active", expected_id, reference)
    services.remove_engine_image(engine, expected_id)
    engine.load_image(glance.data(image_id).raw)
    try:
        assert engine.image_id(expected_id) == expected_id
        assert engine.image_id(reference) is None  # the archive names no image
    finally:
        services.remove_engine_image(engine, expected_id)


def _not_imported(glance, reference):
    return not glance.docker_images(docker_reference=reference)


def _flags(registry, password=None):
    """The credential flags for the registry's user (with another password if given)."""
    user, real = registry.credentials
    return ["--registry-username", user, "--registry-password", password or real]


def _imported(cli, reference, image_id, *argv, env=None):
    """Run an import that must succeed with the pushed image; returns its JSON result."""
    code, result, stderr = cli("import", reference, *argv, env=env)
    assert code == 0, stderr
    assert (result["image_id"], result["reused"]) == (image_id, False)
    return result


def _refused(cli, glance, reference, *argv):
    """Run an import that must fail; returns its error (also on stderr). No image is left."""
    code, output, stderr = cli("import", reference, *argv)
    assert code == 1
    assert output["error"] in stderr
    assert _not_imported(glance, reference)
    return output["error"]


# -- Basic auth ------------------------------------------------------------------------------


def test_basic_auth_import_with_credentials_from_the_environment(engine, glance, basic, cli):
    registry, reference, image_id = basic
    user, password = registry.credentials
    result = _imported(cli, reference, image_id, env={
        "GLANCE_DOCKER_REGISTRY_USERNAME": user, "GLANCE_DOCKER_REGISTRY_PASSWORD": password})
    _assert_loads(engine, glance, result["id"], reference, image_id)


def test_basic_auth_credentials_from_docker_login_config(basic, cli, tmp_path):
    registry, reference, image_id = basic
    config = tmp_path / "docker" / "config.json"
    config.parent.mkdir()
    encoded = base64.b64encode(":".join(registry.credentials).encode()).decode()
    config.write_text(json.dumps({"auths": {registry.address: {"auth": encoded}}}))
    _imported(cli, reference, image_id)


def test_basic_auth_export_pushes_with_flags(engine, glance, basic, cli):
    """Export needs the pull,push scope; the engine then pulls the pushed tag."""
    registry, reference, image_id = basic
    imported = _imported(cli, reference, image_id, *_flags(registry))
    target = f"{registry.address}/{REPOSITORY}-exported:{uuid.uuid4().hex[:8]}"
    code, pushed, stderr = cli("export", imported["id"], target, *_flags(registry))
    assert code == 0, stderr
    assert (pushed["image_id"], pushed["manifest_digest"]) == \
        (image_id, imported["manifest_digest"])
    services.remove_engine_image(engine, image_id)
    try:
        engine.pull(target, auth_config=registry.auth_config)
        assert engine.inspect_image(target)["Id"] == image_id
    finally:
        services.remove_engine_image(engine, image_id)


def test_basic_auth_without_credentials_names_the_registry(glance, basic, cli):
    registry, reference, _ = basic
    message = _refused(cli, glance, reference)
    assert registry.address in message and "401" in message
    assert "--registry-username" in message and "--registry-password" in message


def test_basic_auth_wrong_password_is_refused_clearly(glance, basic, cli):
    registry, reference, _ = basic
    message = _refused(cli, glance, reference, *_flags(registry, "not-the-password"))
    assert registry.address in message and "401" in message
    assert f"refused user {registry.credentials[0]!r}" in message


# -- TLS -------------------------------------------------------------------------------------


def test_tls_import_verifies_with_the_given_ca(engine, glance, tls, cli):
    registry, reference, image_id = tls
    result = _imported(cli, reference, image_id, "--registry-cacert", str(registry.ca_cert))
    _assert_loads(engine, glance, result["id"], reference, image_id)


def test_tls_without_the_ca_is_a_clear_certificate_error(glance, tls, cli):
    """A loopback registry may use plain HTTP, but one that speaks TLS with a certificate we
    cannot verify must not be retried over HTTP: that would hide the real problem."""
    registry, reference, _ = tls
    message = _refused(cli, glance, reference)
    assert registry.address in message and "certificate" in message
    assert "--registry-cacert" in message and "--registry-insecure" in message
    assert "HTTP request to an HTTPS server" not in message


def test_tls_ca_from_the_environment_variable(tls, cli):
    registry, reference, image_id = tls
    _imported(cli, reference, image_id,
              env={"GLANCE_DOCKER_REGISTRY_CACERT": str(registry.ca_cert)})


def test_tls_insecure_skips_verification(tls, cli):
    _, reference, image_id = tls
    _imported(cli, reference, image_id, "--registry-insecure")


# -- Bearer tokens ---------------------------------------------------------------------------


def test_bearer_import_and_export_get_scoped_tokens(engine, glance, bearer, cli):
    registry, reference, image_id = bearer
    issued_before = len(registry.token_service.issued)
    imported = _imported(cli, reference, image_id, *_flags(registry))
    target_repo = f"{REPOSITORY}-exported"
    target = f"{registry.address}/{target_repo}:{uuid.uuid4().hex[:8]}"
    code, pushed, stderr = cli("export", imported["id"], target, *_flags(registry))
    assert code == 0, stderr
    assert pushed["image_id"] == image_id
    scopes = [scope for who, asked in registry.token_service.issued[issued_before:]
              for scope in asked if who == registry.credentials[0]]
    assert f"repository:{REPOSITORY}:pull" in scopes
    assert f"repository:{target_repo}:pull,push" in scopes
    _assert_loads(engine, glance, imported["id"], reference, image_id)


def test_bearer_without_or_with_wrong_credentials_fails_clearly(glance, bearer, cli):
    registry, reference, _ = bearer
    message = _refused(cli, glance, reference)
    assert registry.address in message and "token service" in message
    message = _refused(cli, glance, reference, *_flags(registry, "wrong"))
    assert registry.token_service.url in message and "401" in message
    assert "--registry-username" in message


def test_bearer_credentials_never_go_to_a_plain_http_realm_elsewhere(glance, bearer_elsewhere,
                                                                      cli):
    """The registry's challenge decides where the credentials go: over plain HTTP only to the
    registry's own host, whatever the registry says."""
    registry = bearer_elsewhere
    reference = f"{registry.address}/{REPOSITORY}:any"
    message = _refused(cli, glance, reference, *_flags(registry))
    assert registry.token_service.url in message and "over https" in message
    assert registry.token_service.requests == 0
