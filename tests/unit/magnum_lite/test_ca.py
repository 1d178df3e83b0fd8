"""magnum_lite.ca: which CSRs are signed and what the certificates say."""

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from magnum_lite import ca

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _ca_pair(days=3650):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(NOW - datetime.timedelta(days=1))
            .not_valid_after(NOW + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


@pytest.fixture(scope="module")
def authority():
    cert, key = _ca_pair()
    return ca.CertificateAuthority(cert, key, validity_days=30)


_RSA2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_SHA256 = hashes.SHA256()


def _csr(key=_RSA2048, cn="admin", extensions=(), algorithm=_SHA256):
    names = [x509.NameAttribute(NameOID.COMMON_NAME, cn)] if cn else []
    names.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters"))
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(names))
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(key, algorithm).public_bytes(serialization.Encoding.PEM).decode()


def test_magnumclient_csr_gets_a_client_certificate(authority):
    cert = x509.load_pem_x509_certificate(authority.sign(_csr(), now=NOW).encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "admin"
    assert cert.issuer == authority.certificate.subject
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value) == [
        ExtendedKeyUsageOID.CLIENT_AUTH]
    assert cert.not_valid_after_utc - NOW == datetime.timedelta(days=30)
    cert.verify_directly_issued_by(authority.certificate)


def test_ec_csr_and_client_auth_request_are_signed(authority):
    key = ec.generate_private_key(ec.SECP384R1())
    eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH])
    assert "BEGIN CERTIFICATE" in authority.sign(_csr(key, extensions=[(eku, False)]))


def test_validity_never_outlives_the_ca():
    cert, key = _ca_pair(days=10)
    authority = ca.CertificateAuthority(cert, key, validity_days=30)
    signed = x509.load_pem_x509_certificate(authority.sign(_csr(), now=NOW).encode())
    assert signed.not_valid_after_utc == authority.certificate.not_valid_after_utc


@pytest.mark.parametrize("csr, problem", [
    (lambda: _csr(rsa.generate_private_key(public_exponent=65537, key_size=1024)),
     "RSA key of 1024 bits"),
    (lambda: _csr(ec.generate_private_key(ec.SECP256K1())), "EC curve secp256k1"),
    (lambda: _csr(ed25519.Ed25519PrivateKey.generate(), algorithm=None),
     "keys are not accepted"),
    (lambda: _csr(cn=None), "no common name"),
    (lambda: _csr(extensions=[(x509.BasicConstraints(ca=True, path_length=None), True)]),
     "CA certificate"),
    (lambda: _csr(extensions=[(x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.SERVER_AUTH]), False)]), "only clientAuth"),
    (lambda: _csr(extensions=[(x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
        encipher_only=False, decipher_only=False), True)]), "certificate or CRL signing"),
    (lambda: "", "empty"),
    (lambda: "-----BEGIN CERTIFICATE REQUEST-----\nnope\n-----END CERTIFICATE REQUEST-----\n",
     "not a PEM"),
    (lambda: "x" * (ca.MAX_CSR_BYTES + 1), "larger than"),
])
def test_refused_csrs_say_why(authority, csr, problem):
    with pytest.raises(ca.CSRError, match=problem):
        authority.sign(csr())


def test_ca_key_must_match_certificate():
    cert, _ = _ca_pair()
    _, other_key = _ca_pair()
    with pytest.raises(ca.CAError, match="does not belong"):
        ca.CertificateAuthority(cert, other_key)


def test_missing_ca_option_is_named():
    class Conf:
        class tls:
            ca_cert = None
            ca_key = None
            cert_validity_days = 30
    with pytest.raises(ca.CAError, match=r"\[tls\] ca_cert: not set"):
        ca.CertificateAuthority.from_conf(Conf)
