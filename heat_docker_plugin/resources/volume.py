"""DockerInc::Docker::Volume: a named volume containers mount by reference
(``mounts: [{volume: {get_resource: vol}, target: /data}]``)."""

from heat.engine import attributes, properties

from heat_docker_plugin import claims, connection, policy
from heat_docker_plugin.errors import PropertyError
from heat_docker_plugin.resources import base
from heat_docker_plugin.translate import as_property_error
from openstack_docker import errors, parsing

Schema = properties.Schema


class DockerVolume(base.EngineObject):
    """A volume; any property change replaces it. Its data goes with it on delete."""

    KIND = "volume"
    PROPERTIES = (NAME, DRIVER, DRIVER_OPTS, LABELS) = (
        "name", "driver", "driver_opts", "labels")
    ATTRIBUTES = (VOLUME_NAME, MOUNTPOINT, INFO) = ("name", "mountpoint", "info")

    properties_schema = {
        **base.ENDPOINT_SCHEMA,
        NAME: Schema(Schema.STRING, "Engine name (default: the physical resource name)."),
        DRIVER: Schema(Schema.STRING, "Volume driver; only those in heat.conf "
                       "[docker_plugin] allowed_volume_drivers.", default="local"),
        DRIVER_OPTS: Schema(Schema.MAP, "Driver options, e.g. {type: tmpfs, device: "
                            "tmpfs, o: size=64m} for the local driver. Unless heat.conf "
                            "[docker_plugin] allow_volume_driver_opts, only a local tmpfs "
                            "or a bind of an allowed host path."),
        LABELS: Schema(Schema.MAP, "Labels on the volume."),
    }
    attributes_schema = {
        VOLUME_NAME: attributes.Schema("Engine name of the volume.",
                                       type=attributes.Schema.STRING),
        MOUNTPOINT: attributes.Schema("Where the engine keeps the data.",
                                      type=attributes.Schema.STRING),
        INFO: attributes.Schema("The engine's inspect data.", type=attributes.Schema.MAP),
    }

    def _checked(self):
        """Validated (name, driver options, labels) within the operator's policy; no
        engine call."""
        name, labels = self._name_and_labels(self.LABELS)
        if name and name.startswith(claims.PREFIX):
            raise PropertyError(self.NAME, f"names starting with {claims.PREFIX!r} are "
                                "reserved for Heat's create claims (choose another name)")
        try:
            options = parsing.labels(self.DRIVER_OPTS, self.properties[self.DRIVER_OPTS])
        except errors.InvalidSpec as exc:
            raise as_property_error(exc) from None
        policy.check_volume(self.properties[self.DRIVER], options, connection.options())
        return name, options or None, labels

    def check_properties(self):
        self._checked()

    def handle_create(self):
        name, options, labels = self._checked()
        volume = self.engine().create_volume(
            name or self.physical_resource_name(), driver=self.properties[self.DRIVER],
            driver_opts=options, labels={**labels, **self.stack_labels()},
            resource_id=self.ownership_id())
        self.resource_id_set(volume)

    def _resolve_attribute(self, name):
        if not self.resource_id:
            return None
        info = self._inspect()
        return {self.VOLUME_NAME: info["Name"], self.MOUNTPOINT: info["Mountpoint"]}.get(
            name, info)
