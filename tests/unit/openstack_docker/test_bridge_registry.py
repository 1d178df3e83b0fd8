"""Registry client behaviour on a mocked registry: auth challenges, digests, platforms."""

import base64
import json

import pytest
import requests
import requests_mock

from openstack_docker.images.bridge import errors
from openstack_docker.images.bridge import registry as reg
from openstack_docker.images.bridge.reference import parse

HOST = "reg.example"
BASE = f"https://{HOST}"
CONFIG = b'{"rootfs": {"diff_ids": []}}'
LAYER = b"layer-bytes"


def _manifest():
    return reg.schema2_manifest(
        reg.Descriptor(reg.CONFIG_V1, reg.sha256_digest(CONFIG), len(CONFIG)),
        [reg.Descriptor(reg.LAYER_GZIP, reg.sha256_digest(LAYER), len(LAYER))])


@pytest.fixture
def mock():
    with requests_mock.Mocker() as mocker:
        mocker.get(f"{BASE}/v2/", status_code=401)
        yield mocker


def _serve_manifest(mock, raw=None, path="app/manifests/v1", **kwargs):
    raw = raw or _manifest()
    mock.get(f"{BASE}/v2/{path}", content=raw,
             headers={"Content-Type": reg.MANIFEST_V2,
                      "Docker-Content-Digest": reg.sha256_digest(raw)}, **kwargs)
    return raw


def test_bearer_challenge_fetches_a_scoped_token(mock):
    raw = _manifest()
    mock.get(f"{BASE}/v2/app/manifests/v1", [
        {"status_code": 401, "headers": {"WWW-Authenticate":
                                         'Bearer realm="https://auth.example/token",'
                                         'service="reg",scope="repository:app:pull"'}},
        {"content": raw, "headers": {"Content-Type": reg.MANIFEST_V2}}])
    token = mock.get("https://auth.example/token", json={"token": "T0K"})
    client = reg.Registry(HOST, credentials=("u", "p"))
    manifest = client.manifest(parse(f"{HOST}/app:v1"))
    assert manifest.digest == reg.sha256_digest(raw)
    assert token.last_request.qs == {"scope": ["repository:app:pull"], "service": ["reg"]}
    assert token.last_request.headers["Authorization"] == \
        "Basic " + base64.b64encode(b"u:p").decode()
    assert mock.request_history[-1].headers["Authorization"] == "Bearer T0K"


def test_basic_challenge_uses_the_credentials(mock):
    mock.get(f"{BASE}/v2/app/tags/list", [
        {"status_code": 401, "headers": {"WWW-Authenticate": 'Basic realm="r"'}},
        {"json": {"tags": ["a"]}, "headers": {"Link": '</v2/app/tags/list?last=a>; rel="next"'}}])
    mock.get(f"{BASE}/v2/app/tags/list?last=a", json={"tags": ["b"]})
    assert reg.Registry(HOST, credentials=("u", "p")).tags("app") == ["a", "b"]


def test_challenge_without_credentials_says_how_to_give_them(mock):
    mock.get(f"{BASE}/v2/app/manifests/v1", status_code=401,
             headers={"WWW-Authenticate": 'Basic realm="r"'})
    with pytest.raises(errors.RegistryAuthError, match="--registry-username"):
        reg.Registry(HOST).manifest(parse(f"{HOST}/app:v1"))


def test_missing_tag_is_named(mock):
    mock.get(f"{BASE}/v2/app/manifests/nope", status_code=404,
             json={"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]})
    with pytest.raises(errors.ImageNotInRegistry, match=r"app/manifests/nope.*MANIFEST_UNKNOWN"):
        reg.Registry(HOST).manifest(parse(f"{HOST}/app:nope"))


def test_manifest_digest_is_checked(mock):
    mock.get(f"{BASE}/v2/app/manifests/v1", content=_manifest(),
             headers={"Content-Type": reg.MANIFEST_V2, "Docker-Content-Digest": "sha256:bad"})
    with pytest.raises(errors.RegistryError, match="digest mismatch"):
        reg.Registry(HOST).manifest(parse(f"{HOST}/app:v1"))


def test_manifest_list_resolves_to_the_platform(mock):
    raw = _manifest()
    index = json.dumps({"manifests": [
        {"digest": "sha256:" + "0" * 64, "platform": {"os": "linux", "architecture": "arm64"}},
        {"digest": reg.sha256_digest(raw), "platform": {"os": "linux",
                                                        "architecture": "amd64"}}]}).encode()
    mock.get(f"{BASE}/v2/app/manifests/v1", content=index,
             headers={"Content-Type": reg.MANIFEST_LIST})
    _serve_manifest(mock, raw, path=f"app/manifests/{reg.sha256_digest(raw)}")
    client = reg.Registry(HOST)
    assert client.manifest(parse(f"{HOST}/app:v1")).digest == reg.sha256_digest(raw)
    with pytest.raises(errors.ImageNotInRegistry, match="s390x"):
        client.manifest(parse(f"{HOST}/app:v1"), ("linux", "s390x"))


def test_schema1_is_refused(mock):
    mock.get(f"{BASE}/v2/app/manifests/v1", content=b"{}",
             headers={"Content-Type": "application/vnd.docker.distribution.manifest.v1+json"})
    with pytest.raises(errors.RegistryError, match="not supported"):
        reg.Registry(HOST).manifest(parse(f"{HOST}/app:v1"))


def test_corrupt_blob_is_detected(mock):
    descriptor = reg.Descriptor(reg.LAYER_GZIP, reg.sha256_digest(LAYER), len(LAYER))
    mock.get(f"{BASE}/v2/app/blobs/{descriptor.digest}", content=b"x" * len(LAYER))
    with pytest.raises(errors.RegistryError, match="corrupt or truncated"):
        reg.Registry(HOST).blob("app", descriptor)


def test_plain_http_only_for_loopback_or_allowed_hosts():
    with requests_mock.Mocker() as mocker:
        mocker.get("https://reg.example/v2/", exc=requests.exceptions.SSLError("wrong version"))
        with pytest.raises(errors.RegistryError, match="--registry-http"):
            reg.Registry(HOST).tags("app")
        mocker.get("https://127.0.0.1:5000/v2/", exc=requests.exceptions.SSLError("no"))
        mocker.get("http://127.0.0.1:5000/v2/app/tags/list", json={"tags": ["x"]})
        assert reg.Registry("127.0.0.1:5000").tags("app") == ["x"]
        mocker.get("http://reg.example/v2/app/tags/list", json={"tags": ["y"]})
        assert reg.Registry(HOST, plain_http=(HOST,)).tags("app") == ["y"]


def test_upload_streams_and_finishes_with_the_digest(mock):
    mock.post(f"{BASE}/v2/app/blobs/uploads/", status_code=202,
              headers={"Location": "/v2/app/blobs/uploads/u1?_state=s"})
    received = []
    mock.patch(f"{BASE}/v2/app/blobs/uploads/u1?_state=s", status_code=202,
               headers={"Location": "/v2/app/blobs/uploads/u1?_state=t"},
               text=lambda request, context: received.extend(request.body) or "")
    put = mock.put(f"{BASE}/v2/app/blobs/uploads/u1", status_code=201)
    descriptor = reg.Registry(HOST).upload_blob("app", iter([b"lay", b"er-bytes"]),
                                                reg.LAYER_GZIP)
    assert descriptor == reg.Descriptor(reg.LAYER_GZIP, reg.sha256_digest(LAYER), len(LAYER))
    assert received == [b"lay", b"er-bytes"]  # streamed as given, never joined
    assert put.last_request.qs["digest"] == [reg.sha256_digest(LAYER)]
    assert put.last_request.qs["_state"] == ["t"]


def test_docker_config_credentials(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"auths": {"https://reg.example": {
        "auth": base64.b64encode(b"me:secret").decode()}}}))
    assert reg.docker_config_credentials(HOST, str(path)) == ("me", "secret")
    assert reg.docker_config_credentials("other", str(path)) is None


def _bearer_challenge(mock, realm, host=HOST):
    mock.get(f"https://{host}/v2/app/manifests/v1", status_code=401,
             headers={"WWW-Authenticate": f'Bearer realm="{realm}",service="reg"'})


@pytest.mark.parametrize(("realm", "refusal"), [
    ("http://auth.example/token", "--registry-http auth.example"),
    ("http://127.0.0.1:5001/token", "another host"),
    ("ftp://auth.example/token", "not an http(s) URL"),
])
def test_credentials_never_go_to_an_unsafe_realm(mock, realm, refusal):
    """A registry names its token service; plain HTTP is refused unless allowed, and even then
    credentials go to another host only over HTTPS. Nothing is sent to the realm."""
    _bearer_challenge(mock, realm)
    token = mock.get(realm.replace("ftp:", "https:"), json={"token": "T0K"})
    with pytest.raises(errors.RegistryAuthError) as caught:
        reg.Registry(HOST, credentials=("u", "p")).manifest(parse(f"{HOST}/app:v1"))
    assert realm in str(caught.value) and refusal in str(caught.value)
    assert not token.called


def test_allowed_plain_http_realm_still_gets_no_credentials_for_another_host(mock):
    _bearer_challenge(mock, "http://auth.example/token")
    client = reg.Registry(HOST, credentials=("u", "p"), plain_http=("auth.example",))
    with pytest.raises(errors.RegistryAuthError, match="credentials are not sent there"):
        client.manifest(parse(f"{HOST}/app:v1"))


@pytest.mark.parametrize(("host", "realm", "plain_http"), [
    ("127.0.0.1:5000", "http://127.0.0.1:5001/token", ()),  # loopback, same host
    (HOST, "http://reg.example:5001/token", (HOST,)),  # allowed, same host
])
def test_plain_http_realm_on_the_registry_host_gets_credentials(host, realm, plain_http):
    raw = _manifest()
    with requests_mock.Mocker() as mocker:
        mocker.get(f"https://{host}/v2/", exc=requests.exceptions.SSLError("plain"))
        mocker.get(f"http://{host}/v2/app/manifests/v1", [
            {"status_code": 401, "headers": {"WWW-Authenticate": f'Bearer realm="{realm}"'}},
            {"content": raw, "headers": {"Content-Type": reg.MANIFEST_V2}}])
        token = mocker.get(realm, json={"token": "T0K"})
        client = reg.Registry(host, credentials=("u", "p"), plain_http=plain_http)
        assert client.manifest(parse(f"{host}/app:v1")).digest == reg.sha256_digest(raw)
        assert token.last_request.headers["Authorization"].startswith("Basic ")
