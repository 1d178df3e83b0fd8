"""DockerInc::Docker::Network: a user-defined engine network containers join by
reference (``networks: [{network: {get_resource: net}}]``), so Heat orders them."""

import ipaddress

from heat.engine import attributes, properties

from heat_docker_plugin import connection, policy
from heat_docker_plugin.errors import PropertyError
from heat_docker_plugin.resources import base

Schema = properties.Schema


class DockerNetwork(base.EngineObject):
    """A network; any property change replaces it (the engine cannot edit networks)."""

    KIND = "network"
    PROPERTIES = (NAME, DRIVER, SUBNET, GATEWAY, INTERNAL, LABELS) = (
        "name", "driver", "subnet", "gateway", "internal", "labels")
    ATTRIBUTES = (NETWORK_NAME, INFO) = ("name", "info")

    properties_schema = {
        **base.ENDPOINT_SCHEMA,
        NAME: Schema(Schema.STRING, "Engine name (default: the physical resource name)."),
        DRIVER: Schema(Schema.STRING, "Network driver; only those in heat.conf "
                       "[docker_plugin] allowed_network_drivers (default: bridge).",
                       default="bridge"),
        SUBNET: Schema(Schema.STRING, "Subnet in CIDR form, e.g. 172.30.5.0/24."),
        GATEWAY: Schema(Schema.STRING, "Gateway address inside the subnet."),
        INTERNAL: Schema(Schema.BOOLEAN, "No route to outside networks.", default=False),
        LABELS: Schema(Schema.MAP, "Labels on the network."),
    }
    attributes_schema = {
        NETWORK_NAME: attributes.Schema("Engine name of the network.",
                                        type=attributes.Schema.STRING),
        INFO: attributes.Schema("The engine's inspect data.", type=attributes.Schema.MAP),
    }

    def _checked(self):
        """Validated (subnet, gateway, labels); no engine call."""
        subnet, gateway = self.properties[self.SUBNET], self.properties[self.GATEWAY]
        _, labels = self._name_and_labels(self.LABELS)
        policy.check_network_driver(self.properties[self.DRIVER], connection.options())
        network = None
        if subnet:
            try:
                network = ipaddress.ip_network(subnet)
            except ValueError:
                raise PropertyError(self.SUBNET, f"{subnet!r} is not a CIDR subnet "
                                    "(use for example 172.30.5.0/24)") from None
        if gateway:
            try:
                address = ipaddress.ip_address(gateway)
            except ValueError:
                raise PropertyError(self.GATEWAY, f"{gateway!r} is not an IP address") \
                    from None
            if network is None or address not in network:
                raise PropertyError(self.GATEWAY, f"{gateway} is not inside the subnet "
                                    "(set subnet too)")
        return subnet, gateway, labels

    def check_properties(self):
        self._checked()

    def handle_create(self):
        subnet, gateway, labels = self._checked()
        network_id = self.engine().create_network(
            self._engine_name(), driver=self.properties[self.DRIVER], subnet=subnet,
            gateway=gateway, internal=self.properties[self.INTERNAL],
            labels={**labels, **self.stack_labels()},
            resource_id=self.ownership_id())
        self.resource_id_set(network_id)

    def _resolve_attribute(self, name):
        if not self.resource_id:
            return None
        info = self._inspect()
        return info["Name"] if name == self.NETWORK_NAME else info
