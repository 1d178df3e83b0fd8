"""Microversions: ``OpenStack-API-Version: container-infra X.Y`` as Magnum 23 reads it."""

from magnum_lite.api import errors

MIN_VERSION = (1, 1)
MAX_VERSION = (1, 14)
HEADER = "OpenStack-API-Version"
# Every name Magnum 23 accepts; responses use the first.
SERVICE_NAMES = ("container-infrastructure-management", "container-infrastructure",
                 "container-infra")
# Versions that added an API this service implements.
RESIZE = (1, 7)
ZERO_NODES = (1, 10)
CLUSTER_ID = (1, 13)


def fmt(version):
    return "{}.{}".format(*version)


def _unsupported(text):
    return errors.NotAcceptable(
        f"Version {text} was requested but the minor version is not supported by this "
        f"service. The supported version range is: [{fmt(MIN_VERSION)}, {fmt(MAX_VERSION)}].",
        code="magnum.microversion-unsupported", title="Requested microversion is unsupported",
        min_version=fmt(MIN_VERSION), max_version=fmt(MAX_VERSION))


def requested(headers):
    """The version a request asks for: no header means the minimum, ``latest`` the maximum."""
    value = headers.get(HEADER)
    if not value:
        return MIN_VERSION
    # Several comma-separated entries may name other services: ours decides.
    for entry in value.split(","):
        parts = entry.split()
        if len(parts) != 2:
            raise errors.NotAcceptable(f"Invalid {HEADER} header value: {value!r}")
        service, text = parts[0].lower(), parts[1]
        if service not in SERVICE_NAMES:
            continue
        if text.lower() == "latest":
            return MAX_VERSION
        try:
            major, minor = (int(p) for p in text.split("."))
        except ValueError:
            raise errors.NotAcceptable(
                f"Invalid value for {HEADER} header: {text!r}") from None
        if major != 1 or not MIN_VERSION <= (major, minor) <= MAX_VERSION:
            raise _unsupported(text)
        return major, minor
    raise errors.NotAcceptable(
        f"Invalid service type for {HEADER} header: {value!r}; expected one of "
        + ", ".join(SERVICE_NAMES))


def require(version, minimum, api_name):
    if version < minimum:
        raise errors.NotAcceptable(
            f"Version {fmt(version)} was requested but the requested API {api_name} "
            "is not supported for this version.")


def response_headers(version):
    name = SERVICE_NAMES[0]
    return {
        "OpenStack-API-Minimum-Version": f"{name} {fmt(MIN_VERSION)}",
        "OpenStack-API-Maximum-Version": f"{name} {fmt(MAX_VERSION)}",
        HEADER: f"{name} {fmt(version)}",
        "Vary": HEADER,
    }
