"""Microversions: ``OpenStack-API-Version: <service> X.Y`` as Magnum 23 and Zun 18 read it.

One :class:`Versions` per API: Magnum's (``container-infra``, 1.1-1.14) and Zun's
(``container``, 1.1-1.40). The module-level names are Magnum's.
"""

from magnum_lite.api import errors

HEADER = "OpenStack-API-Version"


def fmt(version):
    return "{}.{}".format(*version)


class Versions:
    """The range an API serves, the service names it answers to (responses use the first)
    and the error code of an unsupported version."""

    def __init__(self, service_names, minimum, maximum, unsupported_code):
        self.service_names, self.minimum, self.maximum = service_names, minimum, maximum
        self.unsupported_code = unsupported_code

    def _unsupported(self, text):
        return errors.NotAcceptable(
            f"Version {text} was requested but the minor version is not supported by this "
            f"service. The supported version range is: [{fmt(self.minimum)}, "
            f"{fmt(self.maximum)}].",
            code=self.unsupported_code, title="Requested microversion is unsupported",
            min_version=fmt(self.minimum), max_version=fmt(self.maximum))

    def requested(self, headers):
        """The version a request asks for: no header means the minimum, ``latest`` the
        maximum."""
        value = headers.get(HEADER)
        if not value:
            return self.minimum
        # Several comma-separated entries may name other services: ours decides.
        for entry in value.split(","):
            parts = entry.split()
            if len(parts) != 2:
                raise errors.NotAcceptable(f"Invalid {HEADER} header value: {value!r}")
            service, text = parts[0].lower(), parts[1]
            if service not in self.service_names:
                continue
            if text.lower() == "latest":
                return self.maximum
            try:
                major, minor = (int(p) for p in text.split("."))
            except ValueError:
                raise errors.NotAcceptable(
                    f"Invalid value for {HEADER} header: {text!r}") from None
            if major != 1 or not self.minimum <= (major, minor) <= self.maximum:
                raise self._unsupported(text)
            return major, minor
        raise errors.NotAcceptable(
            f"Invalid service type for {HEADER} header: {value!r}; expected one of "
            + ", ".join(self.service_names))

    def response_headers(self, version):
        name = self.service_names[0]
        return {
            "OpenStack-API-Minimum-Version": f"{name} {fmt(self.minimum)}",
            "OpenStack-API-Maximum-Version": f"{name} {fmt(self.maximum)}",
            HEADER: f"{name} {fmt(version)}",
            "Vary": HEADER,
        }


# Every name Magnum 23 accepts; responses use the first.
MAGNUM = Versions(("container-infrastructure-management", "container-infrastructure",
                   "container-infra"), (1, 1), (1, 14), "magnum.microversion-unsupported")
MIN_VERSION, MAX_VERSION = MAGNUM.minimum, MAGNUM.maximum
SERVICE_NAMES = MAGNUM.service_names
requested = MAGNUM.requested
response_headers = MAGNUM.response_headers
# Versions that added an API this service implements.
RESIZE = (1, 7)
ZERO_NODES = (1, 10)
CLUSTER_ID = (1, 13)


def require(version, minimum, api_name):
    if version < minimum:
        raise errors.NotAcceptable(
            f"Version {fmt(version)} was requested but the requested API {api_name} "
            "is not supported for this version.")
