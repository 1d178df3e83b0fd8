"""Request body checks with WSME-like wording, so messages read like Magnum's."""

import re
import uuid as uuidlib

from magnum_lite.api import errors

# Magnum 23 accepts only kubernetes; magnum_lite runs Docker swarm-mode clusters.
SUPPORTED_COES = ("swarm-mode",)
NAME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_.-]*$")


def invalid(field, value, why):
    return errors.BadRequest(
        f"Invalid input for field/attribute {field}. Value: '{value}'. {why}")


class Field:
    """One attribute: a kind (str, bool, int, dict, list, uuid), bounds and a default."""

    def __init__(self, kind, default=None, mandatory=False, minimum=None,
                 max_length=255, choices=None, pattern=None):
        self.kind, self.default, self.mandatory = kind, default, mandatory
        self.minimum, self.max_length, self.choices = minimum, max_length, choices
        self.pattern = pattern

    def check(self, name, value):
        if value is None:
            if self.mandatory:
                raise invalid(name, value, "Mandatory field missing.")
            return self.default() if callable(self.default) else self.default
        checker = getattr(self, "_" + self.kind)
        value = checker(name, value)
        if self.choices and value not in self.choices:
            raise invalid(name, value, "Value should be one of: " + ", ".join(self.choices))
        return value

    def _str(self, name, value):
        if not isinstance(value, str):
            raise invalid(name, value, "Wrong type. Expected 'str'")
        if not 0 < len(value) <= self.max_length and not (self.minimum == 0 and not value):
            raise invalid(name, value, f"Length must be 1 to {self.max_length}")
        if self.pattern and not self.pattern.match(value):
            raise invalid(name, value, f"Value should match the pattern {self.pattern.pattern}")
        return value

    def _bool(self, name, value):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        raise invalid(name, value, "Wrong type. Expected 'bool'")

    def _int(self, name, value):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise invalid(name, value, "Wrong type. Expected 'int'")
        try:
            number = int(value)
        except ValueError:
            raise invalid(name, value, "Wrong type. Expected 'int'") from None
        if self.minimum is not None and number < self.minimum:
            raise invalid(name, value, f"Value should be greater or equal to {self.minimum}")
        if number > 2**31 - 1:
            raise invalid(name, value, f"Value should be lower or equal to {2**31 - 1}")
        return number

    def _dict(self, name, value):
        if not isinstance(value, dict):
            raise invalid(name, value, "Wrong type. Expected 'dict'")
        out = {}
        for key, item in value.items():
            if isinstance(item, dict | list) or item is None:
                raise invalid(name, value, "Values must be strings, numbers or booleans")
            out[str(key)] = str(item)
        return out

    def _list(self, name, value):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid(name, value, "Wrong type. Expected '[str]'")
        return value

    def _uuid(self, name, value):
        try:
            return str(uuidlib.UUID(str(value)))
        except ValueError:
            raise invalid(name, value, "Wrong type. Expected 'uuid'") from None


def check_body(body, fields, argument):
    """The validated body with defaults filled; unknown attributes are refused."""
    if not isinstance(body, dict):
        raise errors.BadRequest(f"Invalid input for argument {argument}: a JSON object "
                                "is required.")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise errors.BadRequest(
            f"Unknown attribute for argument {argument}: {', '.join(unknown)}")
    return {name: field.check(name, body.get(name)) for name, field in fields.items()}


def is_uuid_like(value):
    try:
        return str(uuidlib.UUID(value)) == value.lower()
    except (TypeError, ValueError, AttributeError):
        return False


S = Field("str")
TEMPLATE_FIELDS = {
    "uuid": Field("uuid"),
    "name": Field("str"),
    "coe": Field("str", mandatory=True, choices=SUPPORTED_COES),
    "image_id": Field("str", mandatory=True),
    "flavor_id": S, "master_flavor_id": S, "keypair_id": S, "external_network_id": S,
    "fixed_network": S, "fixed_subnet": S, "network_driver": S, "volume_driver": S,
    "http_proxy": S, "https_proxy": S, "no_proxy": S, "insecure_registry": S,
    "docker_storage_driver": S, "cluster_distro": S, "driver": S, "dns_nameserver": S,
    "apiserver_port": Field("int", minimum=1024),
    "docker_volume_size": Field("int", minimum=1),
    "labels": Field("dict", default=dict),
    "registry_enabled": Field("bool", default=False),
    "tls_disabled": Field("bool", default=False),
    "public": Field("bool", default=False),
    "master_lb_enabled": Field("bool", default=False),
    "hidden": Field("bool", default=False),
    "floating_ip_enabled": Field("bool", default=True),
    "server_type": Field("str", default="vm", choices=("vm", "bm")),
    "tags": Field("str", minimum=0),
}
# Stored in their own columns; everything else in a template goes to ``extra``.
TEMPLATE_COLUMNS = ("uuid", "name", "coe", "image_id", "public", "hidden", "tls_disabled",
                    "labels")
TEMPLATE_NOT_REMOVABLE = frozenset({
    "/network_driver", "/external_network_id", "/tls_disabled", "/public", "/server_type",
    "/coe", "/registry_enabled", "/cluster_distro", "/hidden", "/image_id"})
TEMPLATE_CHANGEABLE_IN_USE = {"name", "public", "hidden"}


def cluster_fields(version, zero_nodes_from):
    return {
        "uuid": Field("uuid"),
        "name": Field("str", max_length=242, pattern=NAME_RE),
        "cluster_template_id": Field("str", mandatory=True),
        "keypair": S, "discovery_url": S, "flavor_id": S, "master_flavor_id": S,
        "fixed_network": S, "fixed_subnet": S,
        "docker_volume_size": Field("int", minimum=1),
        "node_count": Field("int", default=1,
                            minimum=0 if version >= zero_nodes_from else 1),
        "master_count": Field("int", default=1, minimum=1),
        "create_timeout": Field("int", default=60, minimum=0),
        "labels": Field("dict"),
        "merge_labels": Field("bool", default=False),
        "floating_ip_enabled": Field("bool"),
        "master_lb_enabled": Field("bool"),
    }


RESIZE_FIELDS = {
    "node_count": Field("int", mandatory=True, minimum=0),
    "nodes_to_remove": Field("list", default=list),
    "nodegroup": Field("str", default="default-worker"),
}
