"""The CA the hosts' engines trust: hands out its certificate and signs users' client
certificates (``openstack coe ca-sign`` / ``cluster config --output-certs``).

Only client certificates are signed: an RSA (2048-8192 bits) or EC (P-256/384/521) key,
a valid CSR signature, no CA or certificate-signing request, no usage but client
authentication, a bounded validity. Each refusal is a :class:`CSRError` naming the
problem.
"""

import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192
EC_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)
MAX_CSR_BYTES = 64 * 1024
#: Backdating that tolerates a little clock skew between magnum_lite and the hosts.
_SKEW = datetime.timedelta(minutes=5)


class CAError(ValueError):
    """The configured CA cannot be used (files missing, key not matching...)."""


class CSRError(ValueError):
    """A certificate signing request magnum_lite refuses to sign; says why."""


def _read(path, option):
    if not path:
        raise CAError(f"[tls] {option}: not set (the CA the Docker hosts' engines trust)")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CAError(f"[tls] {option}: cannot read {path}: {exc}") from exc


class CertificateAuthority:
    """A CA certificate and its key; signs client certificates."""

    def __init__(self, cert_pem, key_pem, validity_days=30):
        try:
            self.certificate = x509.load_pem_x509_certificate(cert_pem)
        except ValueError as exc:
            raise CAError(f"[tls] ca_cert: not a PEM certificate: {exc}") from exc
        try:
            self.key = serialization.load_pem_private_key(key_pem, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise CAError(f"[tls] ca_key: not an unencrypted PEM private key: {exc}") from exc
        if self.key.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ) != self.certificate.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo):
            raise CAError("[tls] ca_key: does not belong to [tls] ca_cert")
        self.validity = datetime.timedelta(days=int(validity_days))

    @classmethod
    def from_conf(cls, conf):
        return cls(_read(conf.tls.ca_cert, "ca_cert"), _read(conf.tls.ca_key, "ca_key"),
                   conf.tls.cert_validity_days)

    def certificate_pem(self):
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def sign(self, csr_pem, now=None):
        """PEM client certificate for ``csr_pem`` (str or bytes); CSRError if refused."""
        csr = load_csr(csr_pem)
        check_csr(csr)
        now = now or datetime.datetime.now(datetime.UTC)
        not_after = min(now + self.validity, self.certificate.not_valid_after_utc)
        public_key = csr.public_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _SKEW)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True,
                key_encipherment=isinstance(public_key, rsa.RSAPublicKey),
                content_commitment=False, data_encipherment=False, key_agreement=False,
                key_cert_sign=False, crl_sign=False, encipher_only=False,
                decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.key.public_key()), critical=False)
        )
        algorithm = None if isinstance(self.key, ed25519.Ed25519PrivateKey
                                       | ed448.Ed448PrivateKey) else hashes.SHA256()
        return builder.sign(self.key, algorithm).public_bytes(
            serialization.Encoding.PEM).decode("ascii")


def load_csr(csr_pem):
    if isinstance(csr_pem, str):
        csr_pem = csr_pem.encode("utf-8", "replace")
    if not isinstance(csr_pem, bytes) or not csr_pem.strip():
        raise CSRError("csr: empty; give a PEM certificate signing request")
    if len(csr_pem) > MAX_CSR_BYTES:
        raise CSRError(f"csr: larger than {MAX_CSR_BYTES} bytes")
    try:
        return x509.load_pem_x509_csr(csr_pem)
    except ValueError as exc:
        raise CSRError(f"csr: not a PEM certificate signing request ({exc})") from exc


def check_csr(csr):
    """Refuse anything but a well-formed client-certificate request."""
    if not csr.is_signature_valid:
        raise CSRError("csr: its signature does not match its key")
    key = csr.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        if not MIN_RSA_BITS <= key.key_size <= MAX_RSA_BITS:
            raise CSRError(f"csr: RSA key of {key.key_size} bits; use {MIN_RSA_BITS} to "
                           f"{MAX_RSA_BITS} bits")
    elif isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, EC_CURVES):
            raise CSRError(f"csr: EC curve {key.curve.name} is not accepted; use P-256, "
                           "P-384 or P-521")
    else:
        raise CSRError(f"csr: {type(key).__name__} keys are not accepted; use RSA or EC")
    if not csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        raise CSRError("csr: the subject has no common name (CN)")
    for extension in csr.extensions:
        value = extension.value
        if isinstance(value, x509.BasicConstraints) and value.ca:
            raise CSRError("csr: asks for a CA certificate (basicConstraints CA:TRUE)")
        if isinstance(value, x509.KeyUsage) and (value.key_cert_sign or value.crl_sign):
            raise CSRError("csr: asks for certificate or CRL signing (keyUsage)")
        if isinstance(value, x509.ExtendedKeyUsage) and (
                list(value) != [ExtendedKeyUsageOID.CLIENT_AUTH]):
            names = ", ".join(getattr(oid, "_name", oid.dotted_string) for oid in value)
            raise CSRError(f"csr: asks for extended key usage {names}; only clientAuth "
                           "is signed")
