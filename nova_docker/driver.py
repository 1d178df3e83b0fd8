"""Nova compute driver that runs each instance as one Docker container.

The container of an instance is named ``nova-<uuid>`` and labelled with the instance uuid
(``org.openstack.docker.resource-id``) and owner ``nova`` through
:class:`openstack_docker.engine.Engine`, so the driver lists and touches only what it
created. Images come from Glance (``container_format=docker``) through
:mod:`openstack_docker.images`; networking is :mod:`nova_docker.network`'s job.
"""

import contextlib
import os
import shutil
import time

import nova.conf
from nova.compute import task_states
from nova.image import glance
from nova.objects import diagnostics as diagnostics_obj
from oslo_log import log as logging
from oslo_utils import excutils, timeutils, units

from nova import exception
from nova.virt import driver, hardware
from nova_docker import conf as docker_conf
from nova_docker import console, events, network, resources, seed, snapshot, state
from nova_docker import spec as specs
from nova_docker.network.errors import ContainerNotRunning
from openstack_docker import errors
from openstack_docker import labels as ownership
from openstack_docker.conf import endpoint_from_conf
from openstack_docker.engine import Engine
from openstack_docker.images.cache import ChecksumMismatch, ImageCache
from openstack_docker.images.loader import ImageLoader
from openstack_docker.images.retention import BroughtImages

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF
docker_conf.register_opts(CONF)

_SUSPENDED_MARKER = "suspended"


class EngineUnavailable(exception.HypervisorUnavailable):
    msg_fmt = "Docker engine %(endpoint)s is unreachable from host %(host)s: %(reason)s"


class DockerDriver(driver.ComputeDriver):
    """Instances are containers on one Docker engine (``[docker] endpoint``)."""

    capabilities = {
        **driver.ComputeDriver.capabilities,
        "has_imagecache": True,
        "supports_attach_interface": True,
        # Docker images are stored in Glance as disk_format raw: the scheduler's image
        # type prefilter then places them on this host.
        "supports_image_type_raw": True,
    }

    def __init__(self, virtapi):
        super().__init__(virtapi)
        self.engine = Engine(endpoint_from_conf(CONF.docker), owner=ownership.NOVA)
        self._glance = glance.API()
        self._host = None
        self._cache = None
        self._loader = None
        # Containers of failed spawns the engine could not remove at the time (it was
        # down): removed as soon as it answers again, since Nova will not ask again. A
        # restart forgets them: the image cache periodic task finds them by label.
        self._orphans = set()
        self._events = None
        # Instances whose container this driver is stopping: their exit is no news.
        self._stopping = set()

    # -- helpers -------------------------------------------------------------------

    @property
    def images(self):
        """The image loader of the current engine; it remembers which images it has
        ensured, so it lives as long as the engine does. Its cache (and the cache's
        per-image locks, shared by every loader) lives as long as the cache directory."""
        directory = CONF.docker.image_cache_dir
        if self._cache is None or self._cache.directory != directory:
            self._cache = ImageCache(directory)
        loader = self._loader
        if loader is None or loader.engine is not self.engine or \
                loader.cache is not self._cache:
            loader = self._loader = ImageLoader(self.engine, self._cache)
        return loader

    @property
    def _brought(self):
        """Records of the engine images this driver loaded or pulled (beside the cache)."""
        return BroughtImages(os.path.join(CONF.docker.image_cache_dir, "engine_images"))

    @contextlib.contextmanager
    def _engine_errors(self, instance=None):
        """Run engine calls: their errors become the Nova exceptions the compute manager
        knows, other Docker-layer errors pass as they are."""
        try:
            yield
        except errors.EngineUnreachable as exc:
            raise EngineUnavailable(endpoint=self.engine.endpoint, host=CONF.host,
                                    reason=exc.explanation or exc) from exc
        except errors.ContainerNotFound as exc:
            if instance is None:
                raise
            raise exception.InstanceNotFound(instance_id=instance.uuid) from exc

    def _inspect(self, instance):
        """The instance's container (inspected); InstanceNotFound when there is none."""
        with self._engine_errors(instance):
            return self.engine.owned_container(specs.container_name(instance))

    def _find(self, instance):
        """Like :meth:`_inspect` but None when the container does not exist."""
        try:
            return self._inspect(instance)
        except exception.InstanceNotFound:
            return None

    def _instance_dir(self, instance):
        return os.path.join(CONF.instances_path, instance.uuid)

    def _suspended(self, instance):
        return os.path.exists(os.path.join(self._instance_dir(instance), _SUSPENDED_MARKER))

    def _mark_suspended(self, instance, suspended):
        marker = os.path.join(self._instance_dir(instance), _SUSPENDED_MARKER)
        if suspended:
            os.makedirs(self._instance_dir(instance), exist_ok=True)
            with open(marker, "w"):
                pass
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(marker)

    # -- host ----------------------------------------------------------------------

    def init_host(self, host):
        """Refuse to start when the engine does not answer, naming the endpoint."""
        self._host = host
        with self._engine_errors():
            self.engine.ping()
        LOG.info("Docker driver on %s uses engine %s", host, self.engine.endpoint)
        self._events = events.EventWatcher(
            self.engine, {specs.HOST_LABEL: self._hostname()}, self.emit_event,
            self._running, self._exited)
        self._events.start()

    def cleanup_host(self, host):
        if self._events is not None:
            self._events.stop()
            self._events = None
        self.engine.close()

    def _running(self, uuid):
        """Whether the container of instance ``uuid`` runs; None when it is gone."""
        try:
            with self._engine_errors():
                info = self.engine.owned_container(f"nova-{uuid}")
        except (errors.NotFound, EngineUnavailable):
            return None
        return bool(info["State"].get("Running"))

    def _exited(self, uuid, exit_code):
        """Log a container that stopped on its own: exit code and last lines of output.
        False when the driver stopped it (for Nova): no news."""
        if uuid in self._stopping:
            self._stopping.discard(uuid)
            return False
        try:
            with self._engine_errors():
                tail = self.engine.logs(f"nova-{uuid}", tail=CONF.docker.fault_log_lines)
        except (errors.DockerLayerError, EngineUnavailable) as exc:
            tail = f"(output unavailable: {exc})"
        LOG.warning("The container of instance %s exited with code %s; last output "
                    "lines:\n%s", uuid, exit_code, tail.strip() or "(no output)")
        return True

    def _hostname(self):
        return self._host or CONF.host

    def get_available_nodes(self, refresh=False):
        return [self._hostname()]

    def get_host_ip_addr(self):
        return CONF.my_ip

    def _host_resources(self):
        with self._engine_errors():
            info = self.engine.info()
        self._reap_orphans()  # the periodic resource update runs this: engine is back
        fallback = CONF.instances_path if os.path.isdir(CONF.instances_path) else "/"
        return resources.HostResources.from_engine(info, fallback)

    def get_available_resource(self, nodename):
        return self._host_resources().as_resource_dict(nodename)

    def update_provider_tree(self, provider_tree, nodename, allocations=None):
        ratios = self._get_allocation_ratios(provider_tree.data(nodename).inventory)
        inventory = self._host_resources().inventory(
            ratios, CONF.reserved_host_cpus, CONF.reserved_host_memory_mb,
            self._get_reserved_host_disk_gb_from_config())
        provider_tree.update_inventory(nodename, inventory)

    # -- listing and state -----------------------------------------------------------

    def _containers(self):
        with self._engine_errors():
            return self.engine.list_containers(
                all=True, filters={"label": f"{specs.HOST_LABEL}={self._hostname()}"})

    def list_instances(self):
        """Names of the instances this compute host created, in ONE engine call."""
        return [c["Labels"].get(specs.NAME_LABEL) for c in self._containers()
                if c["Labels"].get(specs.NAME_LABEL)]

    def list_instance_uuids(self):
        return [c["Labels"][ownership.RESOURCE_ID] for c in self._containers()
                if c["Labels"].get(ownership.RESOURCE_ID)]

    def instance_exists(self, instance):
        return self._find(instance) is not None

    def get_info(self, instance, use_cache=True):
        info = self._inspect(instance)
        return hardware.InstanceInfo(
            state=state.power_state_of(info["State"], self._suspended(instance)))

    # -- spawn and destroy -------------------------------------------------------------

    def spawn(self, context, instance, image_meta, injected_files, admin_password,
              allocations, network_info=None, block_device_info=None, power_on=True,
              accel_info=None):
        if not image_meta.obj_attr_is_set("id") or \
                driver.block_device_info_get_mapping(block_device_info):
            raise exception.InstanceDeployFailure(
                reason="the Docker driver boots only from a Glance image "
                       "(container_format docker); volumes (boot from volume, block "
                       "device mappings) are not supported")
        self._reap_orphans()
        image = self._glance.get(context, image_meta.id)
        with self._deploy_errors():
            container_id = self._create_from_image(context, instance, image, network_info)
        try:
            with self._deploy_errors():
                seed.install(self.engine, container_id, instance, injected_files,
                             CONF.docker.cloud_seed_dir)
                if power_on:
                    self._start(instance, container_id, network_info)
        except Exception:
            with excutils.save_and_reraise_exception():
                self._discard(instance, container_id, network_info)
        LOG.info("Spawned container %s for instance %s", container_id[:12], instance.uuid)

    @contextlib.contextmanager
    def _deploy_errors(self):
        with self._engine_errors():
            try:
                yield
            except errors.DockerLayerError as exc:
                if isinstance(exc, errors.EngineUnreachable):
                    raise
                raise exception.InstanceDeployFailure(reason=exc.message) from exc

    @contextlib.contextmanager
    def _image_errors(self, image):
        with self._engine_errors():
            try:
                yield
            except (errors.InvalidSpec, errors.ImageMissing, ChecksumMismatch) as exc:
                raise exception.ImageUnacceptable(image_id=image["id"],
                                                  reason=exc.message) from exc

    def _create_from_image(self, context, instance, image, network_info):
        """Create the instance's container from Glance record ``image``.

        An engine image id this driver verified for that Glance image before is used
        without asking the engine first; only when it has none, or the engine lacks
        it, is the image ensured (downloaded and verified, loaded or pulled).
        """
        with self._image_errors(image):
            image_id = self.images.known(image)
        if image_id:
            self._brought.used(self.engine, image_id)
            try:
                return self._create(instance, image, image_id, network_info)
            except errors.ImageMissing:
                self.images.forget(image)
        image_id = self._ensure_image(context, image)
        return self._create(instance, image, image_id, network_info)

    def _ensure_image(self, context, image):
        def download(fileobj):
            self._glance.download(context, image["id"], data=fileobj)

        with self._image_errors(image):
            return self._brought.track(self.engine, lambda: self.images.ensure(image, download))

    def _create(self, instance, image, image_id, network_info):
        container_spec = specs.build(
            instance, image, image_id, network.container_network_args(instance, network_info),
            self._hostname(), cpu_quota=CONF.docker.cpu_quota,
            volumes=seed.private_dirs(instance, CONF.docker.cloud_seed_dir))
        name = specs.container_name(instance)
        try:
            return self.engine.create_container(container_spec, name=name,
                                                resource_id=instance.uuid)
        except errors.Conflict as exc:
            if "already in use" not in exc.message:
                raise
            # Left by a spawn the engine did not finish (it died mid-way): ours, replace it.
            LOG.warning("Replacing leftover container %s of instance %s", name, instance.uuid)
            self.engine.remove_container(name, timeout=0)
            return self.engine.create_container(container_spec, name=name,
                                                resource_id=instance.uuid)
        except errors.EngineError as exc:
            if container_spec.storage_opt and _about_storage_opt(exc.message):
                raise errors.InvalidSpec(
                    "flavor extra spec docker:disk_quota",
                    f"the engine cannot limit the container's disk: {exc.message}",
                    "overlay2 needs its data root on xfs mounted with pquota; use a flavor "
                    "without docker:disk_quota on this host") from exc
            raise

    def _start(self, instance, container_id, network_info):
        """Start the container and plug its VIFs, waiting for Neutron's
        ``network-vif-plugged`` events of the ports not yet active as libvirt does
        (``[DEFAULT] vif_plugging_timeout``, ``vif_plugging_is_fatal``).

        No watch afterwards: a process that exits, at once or later, is an engine event
        that makes the instance SHUTOFF (:mod:`nova_docker.events`). One that exits
        before its VIFs are plugged is left to that event too: its VIFs are plugged
        when it is started again.
        """
        self._stopping.discard(instance.uuid)
        timeout = CONF.vif_plugging_timeout
        expected = vif_plugged_events(network_info) if timeout else []
        try:
            with self.virtapi.wait_for_instance_event(
                    instance, expected, timeout=timeout,
                    error_callback=_neutron_failed_callback):
                with self._engine_errors():
                    self.engine.start(container_id)
                try:
                    network.plug_vifs(self.engine, container_id, instance, network_info)
                except ContainerNotRunning:
                    LOG.warning("Instance %s: its container stopped before its VIFs were "
                                "plugged", instance.uuid)
                    if expected:  # Neutron sees no link: do not wait for it
                        self.virtapi.exit_wait_early(expected)
        except exception.InstanceEventTimeout:
            if CONF.vif_plugging_is_fatal:
                raise exception.VirtualInterfaceCreateException() from None
            LOG.warning("Instance %s: Neutron did not report its VIFs plugged within "
                        "%s s; going on (vif_plugging_is_fatal = false)", instance.uuid,
                        timeout)

    def _discard(self, instance, container_id, network_info):
        """Remove what a failed spawn created; with a dead engine, remember it for later."""
        try:
            network.unplug_vifs(self.engine, container_id, instance, network_info)
            self.engine.remove_container(container_id, timeout=0)
        except Exception as exc:
            LOG.warning("Could not remove container %s of failed instance %s yet: %s",
                        container_id, instance.uuid, exc)
            self._orphans.add(container_id)

    def _reap_orphans(self):
        for container_id in list(self._orphans):
            if self._remove_orphan(container_id) is not None:
                self._orphans.discard(container_id)

    def _remove_orphan(self, container_id):
        """Remove a container no instance owns any more; None: the engine is down."""
        try:
            removed = self.engine.remove_container(container_id, timeout=0)
        except errors.EngineUnreachable:
            return None
        except errors.DockerLayerError as exc:
            LOG.warning("Could not remove orphan container %s: %s", container_id, exc)
            return False
        if removed:
            LOG.info("Removed container %s left without an instance", container_id)
        return removed

    def _reap_unowned(self, instances):
        """Remove this host's containers whose instance is not one of ``instances`` (all
        the instances on this host, as Nova passes them to the image cache task): left by
        a spawn that failed while the engine was down, then forgotten by a restart. A
        container younger than ``[docker] orphan_grace_seconds`` is spared: its instance
        may be building, claimed after Nova listed the instances."""
        wanted = {instance.uuid for instance in instances}
        newest = time.time() - CONF.docker.orphan_grace_seconds
        for container in self._containers():
            uuid = container["Labels"].get(ownership.RESOURCE_ID)
            if uuid not in wanted and container.get("Created", 0) <= newest:
                LOG.warning("Container %s belongs to instance %s, which is not on this "
                            "host: removing it", container["Id"][:12], uuid)
                self._remove_orphan(container["Id"])

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, destroy_secrets=True):
        """Remove the container (hard stop); nothing to do when it is already gone."""
        info = self._find(instance)
        if info is not None:
            self._stopping.add(instance.uuid)
            network.unplug_vifs(self.engine, info["Id"], instance, network_info)
            with self._engine_errors(instance):
                self.engine.remove_container(info["Id"], timeout=0)
        self.cleanup(context, instance, network_info, block_device_info,
                     destroy_disks=destroy_disks, destroy_secrets=destroy_secrets)

    def cleanup(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, migrate_data=None, destroy_vifs=True,
                destroy_secrets=True):
        shutil.rmtree(self._instance_dir(instance), ignore_errors=True)

    # -- power ----------------------------------------------------------------------

    def _unpause(self, instance, info):
        """Thaw a paused container; True if it was paused."""
        if not info["State"].get("Paused"):
            return False
        with self._engine_errors(instance):
            self.engine.unpause(info["Id"])
        return True

    def _stop(self, instance, timeout):
        info = self._inspect(instance)
        self._unpause(instance, info)  # a frozen process cannot receive the signal
        self._stopping.add(instance.uuid)
        with self._engine_errors(instance):
            self.engine.stop(info["Id"], timeout=timeout)

    def _power_on(self, instance, network_info):
        info = self._inspect(instance)
        self._mark_suspended(instance, False)
        if self._unpause(instance, info) or info["State"].get("Running"):
            return
        with self._engine_errors(instance):
            self._start(instance, info["Id"], network_info)

    def power_off(self, instance, timeout=0, retry_interval=0):
        """Stop with SIGTERM, SIGKILL after ``timeout`` seconds (0: at once, as Nova means)."""
        self._stop(instance, timeout)

    def power_on(self, context, instance, network_info, block_device_info=None,
                 accel_info=None, share_info=None):
        self._power_on(instance, network_info)

    def reboot(self, context, instance, network_info, reboot_type, block_device_info=None,
               bad_volumes_callback=None, accel_info=None, share_info=None):
        """Soft: SIGTERM and ``[docker] stop_timeout`` grace; hard: SIGKILL. Then start."""
        self._stop(instance, CONF.docker.stop_timeout if reboot_type == "SOFT" else 0)
        self._power_on(instance, network_info)

    def resume_state_on_host_boot(self, context, instance, network_info, share_info,
                                  block_device_info=None):
        """After an engine or host restart, start the instances Nova thinks are running."""
        self._power_on(instance, network_info)

    def soft_delete(self, instance):
        self._stop(instance, CONF.docker.stop_timeout)

    def restore(self, instance):
        self._power_on(instance, instance.get_network_info())

    def pause(self, instance):
        info = self._inspect(instance)
        if info["State"].get("Running") and not info["State"].get("Paused"):
            with self._engine_errors(instance):
                self.engine.pause(info["Id"])

    def unpause(self, instance):
        self._unpause(instance, self._inspect(instance))

    def suspend(self, context, instance):
        """Freeze the processes (cgroup freezer); Nova sees SUSPENDED."""
        self.pause(instance)
        self._mark_suspended(instance, True)

    def resume(self, context, instance, network_info, block_device_info=None,
               share_info=None):
        self.unpause(instance)
        self._mark_suspended(instance, False)

    # -- networking -----------------------------------------------------------------

    def plug_vifs(self, instance, network_info):
        """Re-plug the VIFs of a running container (nova-compute start). A container that
        is gone or does not run has no network namespace: nothing to plug, and raising
        would stop the compute service from starting; its VIFs are plugged when it is
        started again."""
        info = self._find(instance)
        if info is None or not info["State"].get("Running"):
            LOG.info("Instance %s: container %s, VIFs not plugged", instance.uuid,
                     "missing" if info is None else "not running")
            return
        try:
            network.plug_vifs(self.engine, info["Id"], instance, network_info)
        except ContainerNotRunning as exc:
            LOG.info("Instance %s: VIFs not plugged: %s", instance.uuid, exc)

    def unplug_vifs(self, instance, network_info):
        info = self._find(instance)
        network.unplug_vifs(self.engine, info and info["Id"], instance, network_info)

    def attach_interface(self, context, instance, image_meta, vif):
        network.attach_interface(self.engine, self._inspect(instance)["Id"], instance, vif)

    def detach_interface(self, context, instance, vif):
        info = self._find(instance)
        network.detach_interface(self.engine, info and info["Id"], instance, vif)

    # -- console and diagnostics -------------------------------------------------------

    def get_console_output(self, context, instance):
        """The last output of the container as bytes (what Nova's compute manager
        expects for any content), at most ``console_log_lines`` lines and
        ``console_log_bytes`` bytes, then its exit status when it is not running."""
        info = self._inspect(instance)
        with self._engine_errors(instance):
            output = self.engine.logs(info["Id"], tail=CONF.docker.console_log_lines,
                                      as_bytes=True)
        return console.output(output, info["State"], CONF.docker.console_log_bytes)

    def _stats(self, instance):
        info = self._inspect(instance)
        with self._engine_errors(instance):
            return info, self.engine.stats(info["Id"])

    def get_diagnostics(self, instance):
        info, stats = self._stats(instance)
        result = {"cpu_time_ns": _cpu_time(stats),
                  "memory_used": stats.get("memory_stats", {}).get("usage", 0),
                  "memory_limit": info["HostConfig"].get("Memory", 0)}
        for name, counters in (stats.get("networks") or {}).items():
            for key in ("rx_bytes", "rx_packets", "tx_bytes", "tx_packets"):
                result[f"{name}_{key}"] = counters.get(key, 0)
        return result

    def get_instance_diagnostics(self, instance):
        info, stats = self._stats(instance)
        diags = diagnostics_obj.Diagnostics(
            state=state.diagnostics_state(info["State"], self._suspended(instance)),
            hypervisor="docker", hypervisor_os="linux", uptime=_uptime(info["State"]),
            config_drive=False)
        diags.add_cpu(id=0, time=_cpu_time(stats))
        for nic in (stats.get("networks") or {}).values():
            diags.add_nic(mac_address=_mac(info),
                          rx_octets=nic.get("rx_bytes"), rx_errors=nic.get("rx_errors"),
                          rx_drop=nic.get("rx_dropped"), rx_packets=nic.get("rx_packets"),
                          tx_octets=nic.get("tx_bytes"), tx_errors=nic.get("tx_errors"),
                          tx_drop=nic.get("tx_dropped"), tx_packets=nic.get("tx_packets"))
        io = _blkio(stats)
        diags.add_disk(read_bytes=io.get("read", 0), write_bytes=io.get("write", 0))
        diags.memory_details = diagnostics_obj.MemoryDiagnostics(
            maximum=info["HostConfig"].get("Memory", 0) // units.Mi,
            used=stats.get("memory_stats", {}).get("usage", 0) // units.Mi)
        return diags

    # -- snapshot and image cache ---------------------------------------------------

    def snapshot(self, context, instance, image_id, update_task_state):
        """Commit the container and stream the image into Glance image ``image_id``."""
        try:
            info = self._inspect(instance)
        except exception.InstanceNotFound:
            raise exception.InstanceNotRunning(instance_id=instance.uuid) from None
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
        with self._engine_errors(instance):
            committed = snapshot.commit(self.engine, info["Id"], instance.uuid)
        try:
            metadata = snapshot.snapshot_metadata(self._glance.get(context, image_id),
                                                  committed)
            update_task_state(task_state=task_states.IMAGE_UPLOADING,
                              expected_state=task_states.IMAGE_PENDING_UPLOAD)
            with self._engine_errors(instance):
                data = snapshot.stream(self.engine, committed)
                # Purge: Nova copied the source image's properties into the snapshot
                # record, and docker_reference_only would make it an image without data.
                self._glance.update(context, image_id, metadata, data=data,
                                    purge_props=True)
            LOG.info("Snapshot %s of instance %s: %d bytes uploaded", image_id,
                     instance.uuid, data.size)
        finally:
            snapshot.discard(self.engine, committed)

    def manage_image_cache(self, context, all_instances):
        """The image cache periodic task: remove containers no instance on this host owns,
        then (``[image_cache] remove_unused_base_images``) cached image data no instance
        was booted from for ``remove_unused_original_minimum_age_seconds``, and engine
        images this driver loaded or pulled that no container used for as long."""
        self._reap_unowned(all_instances)
        if not CONF.image_cache.remove_unused_base_images:
            return
        min_age = CONF.image_cache.remove_unused_original_minimum_age_seconds
        for image_id in self.images.cache.prune(
                {instance.image_ref for instance in all_instances}, min_age):
            LOG.info("Removed unused image %s from the cache", image_id)
        with self._engine_errors():
            self._brought.prune(self.engine, min_age)

    def cache_image(self, context, image_id):
        """Bring a Glance image into the engine ahead of boots (Nova's image pre-caching);
        True when it had to be fetched, False when this driver had it already."""
        image = self._glance.get(context, image_id)
        with self._image_errors(image):
            known = self.images.known(image)
            if known and self.images.present(known):
                return False
        self._ensure_image(context, image)
        return True


def vif_plugged_events(network_info):
    """The ``network-vif-plugged`` events to wait for: those of the ports Neutron has not
    reported active yet (an active port sends none)."""
    return [("network-vif-plugged", vif["id"]) for vif in network_info or []
            if vif.get("active", True) is False]


def _neutron_failed_callback(event_name, instance):
    LOG.error("Neutron reported a failure on event %s of instance %s", event_name,
              instance.uuid)
    if CONF.vif_plugging_is_fatal:
        raise exception.VirtualInterfaceCreateException()


def _about_storage_opt(message):
    """Whether an engine error is about ``--storage-opt`` (the disk quota)."""
    lowered = message.lower()
    return any(word in lowered for word in ("storage-opt", "storage_opt", "storageopt",
                                            "quota"))


def _cpu_time(stats):
    return stats.get("cpu_stats", {}).get("cpu_usage", {}).get("total_usage", 0)


def _blkio(stats):
    totals = {}
    for entry in (stats.get("blkio_stats") or {}).get("io_service_bytes_recursive") or []:
        op = str(entry.get("op", "")).lower()
        totals[op] = totals.get(op, 0) + int(entry.get("value", 0))
    return totals


def _uptime(container_state):
    if not container_state.get("Running"):
        return 0
    started = timeutils.parse_isotime(container_state["StartedAt"])
    return max(0, int((timeutils.utcnow(with_timezone=True) - started).total_seconds()))


def _mac(info):
    networks = (info.get("NetworkSettings") or {}).get("Networks") or {}
    for settings in networks.values():
        if settings.get("MacAddress"):
            return settings["MacAddress"]
    return None
