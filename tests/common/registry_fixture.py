"""A private ``docker-registry`` that wants credentials and/or speaks TLS, for tests.

The testbed's registry is open plain HTTP, so it proves nothing about authentication or
certificate checking. ``private_registry`` starts distribution's own server on a free
loopback port with any mix of:

* ``users``: htpasswd (bcrypt) Basic auth, or, with ``token=True``, Bearer tokens from a
  small token service run here (JWTs signed by a certificate the registry trusts);
* ``tls``: HTTPS with a server certificate (SAN ``IP:127.0.0.1``) from a CA made for this
  registry; the CA is also placed where the Docker engine looks for it
  (``/etc/docker/certs.d/HOST:PORT/ca.crt``, read at every pull).

Everything (process, data, certificates, the engine's CA entry) is removed on exit.
"""

import base64
import contextlib
import dataclasses
import http.server
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import bcrypt
import jwt
import requests

from openstack_docker import errors
from tests.common.engine_calls import sdk_client
from tests.functional.openstack_docker.bridge_services import free_port, random_layer

DOCKER_CERTS = Path(os.environ.get("DOCKER_CERTS_DIR", "/etc/docker/certs.d"))
TOKEN_SERVICE = "private-registry"
TOKEN_ISSUER = "registry-fixture-token-issuer"


def _openssl(*argv, cwd):
    subprocess.run(["openssl", *argv], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def make_ca_and_server_cert(directory, host="127.0.0.1"):
    """``(ca.crt, server.crt, server.key)`` paths: a CA and a server cert for ``IP:host``."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", f"/CN=registry-fixture CA {uuid.uuid4().hex[:8]}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-keyout", "ca.key", "-out", "ca.crt", cwd=directory)
    _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={host}",
             "-keyout", "server.key", "-out", "server.csr", cwd=directory)
    (directory / "server.ext").write_text(
        f"subjectAltName=IP:{host}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.crt",
             cwd=directory)
    return directory / "ca.crt", directory / "server.crt", directory / "server.key"


def _signing_cert(directory):
    """A self-signed certificate whose key signs tokens; the registry trusts exactly it."""
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=registry-fixture token signer",
             "-keyout", "token.key", "-out", "token.crt", cwd=directory)
    return directory / "token.crt", directory / "token.key"


class TokenService:
    """The registry's token endpoint: Basic-authenticated users get every scope they ask for.

    Tokens carry the signer's certificate in ``x5c``, which the registry checks against its
    ``rootcertbundle`` (that same certificate).
    """

    def __init__(self, users, cert, key, realm_host="127.0.0.1"):
        self.users = users
        self.requests = 0
        der = subprocess.run(["openssl", "x509", "-in", str(cert), "-outform", "DER"],
                             check=True, capture_output=True).stdout
        self._x5c = [base64.b64encode(der).decode()]
        self._key = Path(key).read_bytes()
        self.issued = []
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://{realm_host}:{self._server.server_port}/token"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def _user(self, header):
        kind, _, encoded = (header or "").partition(" ")
        if kind.lower() != "basic":
            return None
        user, _, password = base64.b64decode(encoded).decode().partition(":")
        return user if self.users.get(user) == password else None

    def token(self, user, scopes):
        now = int(time.time())
        access = []
        for scope in scopes:
            kind, name, actions = scope.split(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        claims = {"iss": TOKEN_ISSUER, "sub": user, "aud": TOKEN_SERVICE, "iat": now,
                  "nbf": now - 5, "exp": now + 300, "jti": uuid.uuid4().hex,
                  "access": access}
        self.issued.append((user, scopes))
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"x5c": self._x5c})

    def _handler(self):
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                service.requests += 1
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                user = service._user(self.headers.get("Authorization"))
                if user is None:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="registry-fixture"')
                    self.end_headers()
                    return
                body = json.dumps({"token": service.token(user, query.get("scope", []))})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        return Handler


@dataclasses.dataclass
class PrivateRegistry:
    """What a test needs to reach the registry."""

    address: str
    url: str
    directory: Path
    users: dict
    ca_cert: Path | None = None
    token_service: TokenService | None = None
    process: subprocess.Popen | None = None

    @property
    def credentials(self):
        """``(user, password)`` of the first user."""
        return next(iter(self.users.items())) if self.users else None

    @property
    def auth_config(self):
        """The first user as the engine's ``auth_config`` (None without users)."""
        if not self.users:
            return None
        user, password = self.credentials
        return {"username": user, "password": password}

    def push_copy(self, engine, source, repository, tag):
        """Push the engine's ``source`` image as ``address/repository:tag``; returns its id."""
        engine.tag_image(source, f"{self.address}/{repository}:{tag}")
        return self._push(engine, repository, tag)

    def push_random(self, engine, repository, tag, size=1 << 20):
        """Push a new one-layer image of random data; returns its id.

        No other name refers to it, so once a test removed it from the engine a load or pull
        really has to unpack the layer it got from the registry.
        """
        with errors.translated():
            sdk_client(engine).import_image_from_data(
                random_layer(size), repository=f"{self.address}/{repository}", tag=tag)
        return self._push(engine, repository, tag)

    def _push(self, engine, repository, tag):
        """Push ``address/repository:tag`` with the first user's credentials, then untag it
        locally so that only the registry holds that name."""
        target = f"{self.address}/{repository}:{tag}"
        try:
            engine.push(target, auth_config=self.auth_config)
            return engine.inspect_image(target)["Id"]
        finally:
            engine.remove_image(target)


def _htpasswd(users):
    return "".join(f"{user}:{bcrypt.hashpw(password.encode(), bcrypt.gensalt(5)).decode()}\n"
                   for user, password in users.items())


def _config(directory, port, users, tls_files, token_service, token_cert):
    config = {
        "version": 0.1,
        "log": {"level": "warn"},
        "storage": {"filesystem": {"rootdirectory": str(directory / "data")},
                    "delete": {"enabled": True}},
        "http": {"addr": f"127.0.0.1:{port}"},
    }
    if tls_files:
        config["http"]["tls"] = {"certificate": str(tls_files[1]), "key": str(tls_files[2])}
    if token_service:
        config["auth"] = {"token": {"realm": token_service.url, "service": TOKEN_SERVICE,
                                    "issuer": TOKEN_ISSUER, "rootcertbundle": str(token_cert)}}
    elif users:
        (directory / "htpasswd").write_text(_htpasswd(users))
        config["auth"] = {"htpasswd": {"realm": "registry-fixture",
                                       "path": str(directory / "htpasswd")}}
    path = directory / "registry.yml"
    path.write_text(json.dumps(config))  # JSON is YAML
    return path


def _wait_ready(url, process, verify, log, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry exited with {process.returncode}: "
                               f"{log.read_text()[-2000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url + "/v2/", verify=verify, timeout=2).status_code in (200, 401):
                return
        time.sleep(0.1)
    raise RuntimeError(f"docker-registry at {url} did not answer within {timeout}s")


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def private_registry(users=None, tls=False, token=False, realm_host="127.0.0.1"):
    """Run a private registry; yields a :class:`PrivateRegistry`, removes everything after.

    :param users: ``{user: password}``; Basic auth (htpasswd) unless ``token``.
    :param tls: serve HTTPS with a certificate from a fresh CA (``ca_cert``), trusted by the
        Docker engine for this address only.
    :param token: Bearer auth through a token service started here (needs ``users``).
    :param realm_host: the host name the registry gives for that token service (it listens
        on 127.0.0.1 whatever the name).
    """
    if token and not users:
        raise ValueError("token auth needs users")
    directory = Path(tempfile.mkdtemp(prefix="registry-fixture-"))
    port = free_port()
    address = f"127.0.0.1:{port}"
    registry = PrivateRegistry(address, f"{'https' if tls else 'http'}://{address}",
                               directory, dict(users or {}))
    engine_ca = DOCKER_CERTS / address
    try:
        tls_files = make_ca_and_server_cert(directory) if tls else None
        token_cert = None
        if tls:
            registry.ca_cert = tls_files[0]
            engine_ca.mkdir(parents=True, exist_ok=True)
            shutil.copy(registry.ca_cert, engine_ca / "ca.crt")
        if token:
            token_cert, token_key = _signing_cert(directory)
            registry.token_service = TokenService(registry.users, token_cert, token_key,
                                                  realm_host)
            registry.token_service.start()
        config = _config(directory, port, users, tls_files, registry.token_service, token_cert)
        log = directory / "registry.log"
        with open(log, "wb") as out:
            registry.process = subprocess.Popen(
                ["docker-registry", "serve", str(config)], stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        _wait_ready(registry.url, registry.process,
                    str(registry.ca_cert) if tls else True, log)
        yield registry
    finally:
        if registry.process:
            _stop(registry.process)
        if registry.token_service:
            registry.token_service.stop()
        if tls:
            shutil.rmtree(engine_ca, ignore_errors=True)
            with contextlib.suppress(OSError):
                DOCKER_CERTS.rmdir()  # only when no other registry's CA is left in it
        shutil.rmtree(directory, ignore_errors=True)
