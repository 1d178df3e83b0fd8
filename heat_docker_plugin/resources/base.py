"""What every DockerInc::Docker resource shares: endpoint properties, the engine, the
ownership and stack labels and the translation of property errors into Heat validation
errors."""

from heat.common import exception
from heat.engine import properties, resource, rsrc_defn, support

from heat_docker_plugin import connection, references
from heat_docker_plugin.errors import PropertyError
from heat_docker_plugin.translate import as_property_error
from openstack_docker import errors, parsing
from openstack_docker import labels as ownership

ENDPOINT_SCHEMA = {
    connection.DOCKER_ENDPOINT: properties.Schema(
        properties.Schema.STRING,
        "Docker engine: unix:///path/to/docker.sock or tcp://host:port; only the "
        "default one or those in heat.conf [docker_plugin] allowed_endpoints. Default: "
        "heat.conf [docker_plugin] endpoint (with its TLS settings)."),
    connection.TLS_CA_CERT: properties.Schema(
        properties.Schema.STRING,
        "Path, on the Heat engine host and under heat.conf [docker_plugin] tls_dir, of "
        "the PEM CA that signed the engine's certificate; turns TLS on for a tcp:// "
        "docker_endpoint.",
        support_status=support.SupportStatus(version="27.0.0")),
    connection.TLS_CLIENT_CERT: properties.Schema(
        properties.Schema.STRING,
        "Path, under heat.conf [docker_plugin] tls_dir, of the PEM client certificate.",
        support_status=support.SupportStatus(version="27.0.0")),
    connection.TLS_CLIENT_KEY: properties.Schema(
        properties.Schema.STRING,
        "Path, under heat.conf [docker_plugin] tls_dir, of the client certificate's "
        "key.",
        support_status=support.SupportStatus(version="27.0.0")),
    connection.TLS_VERIFY: properties.Schema(
        properties.Schema.BOOLEAN,
        "Verify the engine's certificate against tls_ca_cert. Off lets anyone on the "
        "path impersonate the engine.",
        default=True, support_status=support.SupportStatus(version="27.0.0")),
}


class DockerResource(resource.Resource):
    """Base of the Docker resources (not registered itself)."""

    support_status = support.SupportStatus(version="27.0.0")

    #: Docker objects are not Keystone-scoped: no client plugin, no service check.
    default_client_name = None

    def _props(self):
        """The resolved properties as a plain dict."""
        return {key: self.properties[key] for key in self.properties}

    def invalid(self, error):
        """A Heat validation error whose path names the property."""
        path = [self.stack.t.RESOURCES, self.name]
        if error.prop not in self.properties_schema:
            return exception.StackValidationFailed(path=path, message=str(error))
        path += [self.stack.t.get_section_name(rsrc_defn.PROPERTIES), error.prop]
        return exception.StackValidationFailed(path=path, message=error.message)

    def validate(self):
        """Check the endpoint and the other properties. No engine call."""
        super().validate()
        try:
            connection.endpoint(self._props())
            self.check_properties()
        except PropertyError as error:
            raise self.invalid(error) from None

    def check_properties(self):
        """Raise PropertyError for a property the engine would refuse (subclasses)."""

    def engine(self):
        return connection.engine_for(connection.endpoint(self._props()))

    def ownership_id(self):
        """The value of the resource-id label: unique to this resource (and replacement)."""
        return self.physical_resource_name()

    def _engine_name(self):
        """Every Docker resource has a ``name`` property; unset, the physical name."""
        return self.properties["name"] or self.physical_resource_name()

    def stack_labels(self):
        """The stack label of what this resource creates (see references.STACK_LABEL)."""
        return references.stack_labels(self.stack.root_stack_id())


class EngineObject(DockerResource):
    """A network or volume: inspected and removed by its id, replaced on any change."""

    #: ``network`` or ``volume``: selects the engine calls.
    KIND = None

    def _name_and_labels(self, labels_property):
        """Validated (name, labels) properties; no engine call."""
        try:
            if self.properties["name"]:
                parsing.name("name", self.properties["name"])
            labels = parsing.labels(labels_property, self.properties[labels_property])
        except errors.InvalidSpec as exc:
            raise as_property_error(exc) from None
        reserved = ownership.reserved_keys(labels)
        if reserved:
            raise PropertyError(labels_property, f"{reserved} use the reserved prefix "
                                f"{ownership.PREFIX!r} (choose other label keys)")
        return self.properties["name"], labels

    def _inspect(self):
        return getattr(self.engine(), f"inspect_{self.KIND}")(self.resource_id)

    def handle_delete(self):
        if self.resource_id:
            getattr(self.engine(), f"remove_{self.KIND}")(self.resource_id)

    def handle_check(self):
        try:
            self._inspect()
        except errors.NotFound:
            raise errors.NotFound(f"{self.KIND} {self.resource_id} no longer exists") \
                from None

    def _show_resource(self):
        return self._inspect()
