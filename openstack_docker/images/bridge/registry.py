"""A Docker registry (distribution API v2) client: manifests, streamed blobs, token auth.

Only what the bridge needs, with the registry's behaviour the engine also relies on: plain HTTP
only for loopback or explicitly allowed hosts, Basic or Bearer auth answered from the
``WWW-Authenticate`` challenge, every blob and manifest checked against its digest. A
Bearer challenge names the token service (``realm``) that gets the credentials: the registry
may not send them anywhere in the clear, nor to another host except over HTTPS.
"""

import base64
import dataclasses
import hashlib
import json
import os
import re
import ssl
import urllib.parse

import requests
from oslo_log import log as logging

from openstack_docker.endpoint import is_loopback_host
from openstack_docker.images.bridge import errors

LOG = logging.getLogger(__name__)

MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG_V1 = "application/vnd.docker.container.image.v1+json"
LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
_IMAGE_MANIFESTS = (MANIFEST_V2, OCI_MANIFEST)
_INDEXES = (MANIFEST_LIST, OCI_INDEX)
_CHUNK = 1 << 20
_CHALLENGE_PARAM = re.compile(r'(\w+)="([^"]*)"')


@dataclasses.dataclass(frozen=True)
class Descriptor:
    media_type: str
    digest: str
    size: int

    @classmethod
    def from_json(cls, data, what):
        if data.get("urls"):
            raise errors.RegistryError(f"{what} {data.get('digest')} is a foreign layer "
                                       "(hosted outside the registry): not supported")
        try:
            return cls(data["mediaType"], data["digest"], int(data["size"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise errors.RegistryError(f"{what} descriptor is malformed: {data!r}") from exc

    def to_json(self):
        return {"mediaType": self.media_type, "size": self.size, "digest": self.digest}


@dataclasses.dataclass(frozen=True)
class Manifest:
    """An image manifest (schema 2 or OCI) and the digest the registry knows it by."""

    digest: str
    media_type: str
    config: Descriptor
    layers: tuple

    @classmethod
    def parse(cls, raw, media_type, digest):
        try:
            data = json.loads(raw)
            config = Descriptor.from_json(data["config"], "config")
            layers = tuple(Descriptor.from_json(d, "layer") for d in data["layers"])
        except (ValueError, KeyError, TypeError) as exc:
            raise errors.RegistryError(f"manifest {digest} is not an image manifest") from exc
        return cls(digest, media_type, config, layers)


def schema2_manifest(config, layers):
    """The bytes of a Docker manifest v2 schema 2 for these descriptors."""
    data = {"schemaVersion": 2, "mediaType": MANIFEST_V2, "config": config.to_json(),
            "layers": [layer.to_json() for layer in layers]}
    return json.dumps(data, indent=3).encode()


def sha256_digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _hostname(address):
    """``reg.example`` of ``reg.example:5000`` (``::1`` of ``[::1]:5000``), lower case."""
    return urllib.parse.urlsplit(f"//{address}").hostname


def _certificate_refused(exc):
    """Whether a failed HTTPS probe met a TLS server whose certificate we refused.

    Only then is falling back to plain HTTP wrong: the server does speak TLS, and the
    fallback would only earn a confusing "HTTP request to an HTTPS server".
    """
    pending, seen = [exc], set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        if isinstance(current, BaseException):
            pending.extend([current.__cause__, current.__context__,
                            getattr(current, "reason", None), *current.args])
    return False


def docker_config_credentials(registry, path=None):
    """``(user, password)`` as ``docker login`` left them in ``~/.docker/config.json``."""
    path = path or os.path.join(os.environ.get("DOCKER_CONFIG", os.path.expanduser("~/.docker")),
                                "config.json")
    try:
        with open(path) as handle:
            auths = json.load(handle).get("auths", {})
    except (OSError, ValueError):
        return None
    for key in (registry, f"https://{registry}", f"http://{registry}"):
        encoded = auths.get(key, {}).get("auth")
        if encoded:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
            return user, password
    return None


class Registry:
    """One registry host.

    :param credentials: ``(user, password)`` for Basic auth or the token service, or None.
    :param verify: True, False or a CA bundle path (as for requests).
    :param plain_http: hosts allowed to be reached without TLS (loopback always is, as in
        the Docker engine).
    """

    def __init__(self, host, credentials=None, verify=True, plain_http=(), timeout=60,
                 chunk_size=_CHUNK):
        self.host = host
        self.credentials = credentials
        self.timeout = timeout
        self.chunk_size = chunk_size
        self._plain_http = tuple(plain_http)
        self._http_allowed = self._plain_http_allowed(host)
        self._base = None
        self._tokens = {}
        # Passed on every request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override
        # a Session's own ``verify``, which would drop --registry-cacert and --registry-insecure.
        self.verify = verify
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "glance-docker"

    def close(self):
        self.session.close()

    def _plain_http_allowed(self, address):
        return is_loopback_host(_hostname(address)) or address in self._plain_http or \
            _hostname(address) in self._plain_http

    # -- transport ----------------------------------------------------------------

    def _base_url(self):
        """``https://host`` unless TLS fails on a host allowed to use plain HTTP."""
        if self._base is None:
            try:
                self.session.get(f"https://{self.host}/v2/", timeout=self.timeout,
                                 verify=self.verify)
                self._base = f"https://{self.host}"
            except (requests.exceptions.SSLError, requests.exceptions.ConnectionError) as exc:
                if _certificate_refused(exc):
                    raise errors.RegistryError(
                        f"registry {self.host} speaks HTTPS but its TLS certificate failed "
                        f"verification: {exc} (give its CA with --registry-cacert FILE, or "
                        "--registry-insecure to skip verification)") from exc
                if not self._http_allowed:
                    raise errors.RegistryError(
                        f"registry {self.host} unreachable over HTTPS: {exc} (for a plain "
                        "HTTP registry pass --registry-http HOST)") from exc
                self._base = f"http://{self.host}"
        return self._base

    def _request(self, method, path, scope, ok=(200,), replayable=True, **kwargs):
        url = path if path.startswith("http") else self._base_url() + path
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("verify", self.verify)
        headers = kwargs.pop("headers", {})
        for attempt in range(2):
            auth = self._tokens.get(scope)
            sent = {**headers, **({"Authorization": auth} if auth else {})}
            try:
                response = self.session.request(method, url, headers=sent, **kwargs)
            except requests.exceptions.RequestException as exc:
                raise errors.RegistryError(f"registry {self.host} unreachable: {exc}") from exc
            if response.status_code == 401 and attempt == 0 and replayable:
                self._authenticate(response, scope)
                continue
            break
        if response.status_code in ok:
            return response
        self._fail(response, method, path)

    def _fail(self, response, method, path):
        try:
            details = "; ".join(f"{e.get('code')}: {e.get('message')}"
                                for e in response.json().get("errors", []))
        except ValueError:
            details = response.text[:200]
        message = f"registry {self.host}: {method} {path} -> {response.status_code} {details}"
        if response.status_code == 401:
            sent = response.request is not None and "Authorization" in response.request.headers
            hint = (f"the registry refused user {self.credentials[0]!r}: check"
                    if sent and self.credentials else "give credentials with")
            raise errors.RegistryAuthError(
                f"{message} ({hint} --registry-username/--registry-password)")
        if response.status_code == 403:
            raise errors.RegistryAuthError(message + " (these credentials lack access)")
        if response.status_code == 404:
            raise errors.ImageNotInRegistry(message)
        raise errors.RegistryError(message)

    def _authenticate(self, response, scope):
        challenge = response.headers.get("WWW-Authenticate", "")
        kind, _, params = challenge.partition(" ")
        kind = kind.lower()
        if kind == "basic":
            if not self.credentials:
                self._fail(response, response.request.method, response.request.path_url)
            raw = ":".join(self.credentials).encode()
            self._tokens[scope] = "Basic " + base64.b64encode(raw).decode()
        elif kind == "bearer":
            self._tokens[scope] = "Bearer " + self._bearer_token(dict(
                _CHALLENGE_PARAM.findall(params)), scope)
        else:
            raise errors.RegistryAuthError(
                f"registry {self.host} asks for unsupported authentication {challenge!r}")

    def _bearer_token(self, challenge, scope):
        realm = challenge.get("realm")
        if not realm:
            raise errors.RegistryAuthError(f"registry {self.host}: Bearer challenge has no realm")
        self._check_realm(realm)
        params = {"scope": scope}
        if challenge.get("service"):
            params["service"] = challenge["service"]
        try:
            answer = requests.get(realm, params=params, auth=self.credentials,
                                  timeout=self.timeout, verify=self.verify)
        except requests.exceptions.RequestException as exc:
            raise errors.RegistryAuthError(
                f"token service {realm} of registry {self.host} unreachable: {exc}") from exc
        if answer.status_code != 200:
            raise errors.RegistryAuthError(
                f"token service {realm} of registry {self.host} refused scope {scope}: "
                f"{answer.status_code} (check --registry-username/--registry-password)")
        body = answer.json()
        token = body.get("token") or body.get("access_token")
        if not token:
            raise errors.RegistryAuthError(f"token service {realm} returned no token")
        return token

    def _check_realm(self, realm):
        """Refuse a token service that would get credentials (or hand out tokens) unsafely.

        The realm is whatever the registry's challenge says, so a compromised or spoofed
        registry could name any URL: plain HTTP only where the registry itself may use it,
        and credentials to another host only over HTTPS.
        """
        parts = urllib.parse.urlsplit(realm)
        if parts.scheme == "https" and parts.hostname:
            return
        if parts.scheme != "http" or not parts.hostname:
            raise errors.RegistryAuthError(
                f"registry {self.host} names token service {realm!r}, which is not an "
                "http(s) URL: check the registry's auth.token.realm")
        address = parts.netloc.rpartition("@")[2]
        if not self._plain_http_allowed(address):
            raise errors.RegistryAuthError(
                f"registry {self.host} names token service {realm} over plain HTTP: refused, "
                "credentials and tokens would cross the network in the clear (serve the token "
                f"service over https, or if this network is trusted pass --registry-http "
                f"{address})")
        if self.credentials and parts.hostname != _hostname(self.host):
            raise errors.RegistryAuthError(
                f"registry {self.host} names token service {realm}, another host reached over "
                "plain HTTP: the registry credentials are not sent there (serve the token "
                "service over https)")

    @staticmethod
    def _scope(repository, push=False):
        return f"repository:{repository}:{'pull,push' if push else 'pull'}"

    # -- reading --------------------------------------------------------------------

    def manifest(self, reference, platform=("linux", "amd64")):
        """The image manifest a reference names; a manifest list resolves to ``platform``."""
        target = reference.target
        for _ in range(2):
            response = self._request(
                "GET", f"/v2/{reference.repository}/manifests/{target}",
                self._scope(reference.repository),
                headers={"Accept": ", ".join(_IMAGE_MANIFESTS + _INDEXES)})
            raw = response.content
            digest = sha256_digest(raw)
            announced = response.headers.get("Docker-Content-Digest")
            if (announced and announced != digest) or \
                    (target.startswith("sha256:") and target != digest):
                raise errors.RegistryError(
                    f"{reference}: manifest digest mismatch (got {digest}, "
                    f"expected {announced or target})")
            media_type = response.headers.get("Content-Type", "").split(";")[0]
            if media_type not in _INDEXES:
                break
            target = self._pick_platform(raw, reference, platform)
        if media_type not in _IMAGE_MANIFESTS:
            raise errors.RegistryError(
                f"{reference}: manifest type {media_type!r} is not supported (schema 2 or OCI "
                "image manifests only; re-push the image with a recent docker)")
        return Manifest.parse(raw, media_type, digest)

    @staticmethod
    def _pick_platform(raw, reference, platform):
        wanted = {"os": platform[0], "architecture": platform[1]}
        for entry in json.loads(raw).get("manifests", []):
            found = entry.get("platform", {})
            if all(found.get(k) == v for k, v in wanted.items()):
                return entry["digest"]
        raise errors.ImageNotInRegistry(f"{reference}: no image for platform "
                                        f"{'/'.join(platform)} in its manifest list")

    def blob(self, repository, descriptor):
        """A small blob's bytes (a config), checked against its digest."""
        return b"".join(self.blob_chunks(repository, descriptor))

    def blob_chunks(self, repository, descriptor):
        """Yield a blob's bytes as they arrive; raises if it is cut short or corrupt."""
        response = self._request("GET", f"/v2/{repository}/blobs/{descriptor.digest}",
                                 self._scope(repository), stream=True)
        hasher = hashlib.sha256()
        received = 0
        try:
            for chunk in response.iter_content(self.chunk_size):
                hasher.update(chunk)
                received += len(chunk)
                yield chunk
        except requests.exceptions.RequestException as exc:
            raise errors.RegistryError(
                f"registry {self.host} broke off blob {descriptor.digest} of {repository} after "
                f"{received} of {descriptor.size} bytes: {exc}") from exc
        finally:
            response.close()
        if received != descriptor.size or "sha256:" + hasher.hexdigest() != descriptor.digest:
            raise errors.RegistryError(
                f"registry {self.host}: blob {descriptor.digest} of {repository} is corrupt or "
                f"truncated ({received} of {descriptor.size} bytes)")

    def tags(self, repository):
        """Every tag of a repository, following the registry's pagination."""
        path, found = f"/v2/{repository}/tags/list", []
        while path:
            response = self._request("GET", path, self._scope(repository))
            found.extend(response.json().get("tags") or [])
            following = response.links.get("next", {}).get("url")
            path = urllib.parse.urljoin(self._base_url(), following) if following else None
        return found

    # -- writing -----------------------------------------------------------------------

    def upload_blob(self, repository, chunks, media_type):
        """Stream chunks into a new blob; returns its descriptor (digest computed on the way)."""
        scope = self._scope(repository, push=True)
        started = self._request("POST", f"/v2/{repository}/blobs/uploads/", scope, ok=(202,))
        location = urllib.parse.urljoin(started.url, started.headers["Location"])
        hasher = hashlib.sha256()
        size = 0

        def hashed():
            nonlocal size
            for chunk in chunks:
                hasher.update(chunk)
                size += len(chunk)
                yield chunk

        patched = self._request("PATCH", location, scope, ok=(202,), replayable=False,
                                data=hashed(),
                                headers={"Content-Type": "application/octet-stream"})
        location = urllib.parse.urljoin(location, patched.headers["Location"])
        digest = "sha256:" + hasher.hexdigest()
        self._request("PUT", location, scope, ok=(201,), params={"digest": digest},
                      headers={"Content-Length": "0"})
        return Descriptor(media_type, digest, size)

    def put_manifest(self, reference, raw, media_type=MANIFEST_V2):
        """Tag ``raw`` as ``reference``; returns the digest the registry stored it under."""
        scope = self._scope(reference.repository, push=True)
        response = self._request("PUT", f"/v2/{reference.repository}/manifests/{reference.tag}",
                                 scope, ok=(201,), data=raw,
                                 headers={"Content-Type": media_type})
        digest = sha256_digest(raw)
        stored = response.headers.get("Docker-Content-Digest", digest)
        if stored != digest:
            raise errors.RegistryError(f"{reference}: registry stored the manifest as {stored}, "
                                       f"expected {digest}")
        return digest

