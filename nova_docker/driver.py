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
import requests.exceptions
import urllib3.exceptions
from nova.compute import task_states
from nova.image import glance
from nova.objects import diagnostics as diagnostics_obj
from oslo_log import log as logging
from oslo_utils import excutils, timeutils

from nova import exception
from nova.virt import driver, hardware
from nova_docker import conf as docker_conf
from nova_docker import network, resources, seed, snapshot, state
from nova_docker import spec as specs
from openstack_docker import errors
from openstack_docker import labels as ownership
from openstack_docker.conf import endpoint_from_conf
from openstack_docker.engine import Engine
from openstack_docker.images.cache import ChecksumMismatch, ImageCache
from openstack_docker.images.loader import ImageLoader

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
    }

    def __init__(self, virtapi):
        super().__init__(virtapi)
        self.engine = Engine(endpoint_from_conf(CONF.docker), owner="nova")
        self._glance = glance.API()
        self._host = None
        self._loader = None
        # Containers of failed spawns the engine could not remove at the time (it was
        # down): removed as soon as it answers again, since Nova will not ask again.
        self._orphans = set()

    # -- helpers -------------------------------------------------------------------

    @property
    def images(self):
        """The image loader of the current engine; it remembers which images it has
        ensured, so it lives as long as the engine and the cache directory do."""
        directory = CONF.docker.image_cache_dir
        loader = self._loader
        if loader is None or loader.engine is not self.engine or \
                loader.cache.directory != directory:
            loader = self._loader = ImageLoader(self.engine, ImageCache(directory))
        return loader

    @contextlib.contextmanager
    def _engine_errors(self, instance=None):
        """Turn Docker-layer errors into the Nova exceptions the compute manager knows."""
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

    def cleanup_host(self, host):
        self.engine.close()

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
        if not image_meta.obj_attr_is_set("id"):
            raise exception.InstanceDeployFailure(
                reason="the Docker driver boots only from a Glance image "
                       "(container_format docker), not from a volume")
        self._reap_orphans()
        image = self._glance.get(context, image_meta.id)
        with self._deploy_errors():
            container_id = self._create_from_image(context, instance, image, network_info)
        try:
            with self._deploy_errors():
                seed.install(self.engine, container_id, instance, injected_files,
                             CONF.docker.cloud_seed_dir)
                started = self._start(instance, container_id, network_info) \
                    if power_on else None
            reason = self._exited_reason(container_id, started) if power_on else None
            if reason:
                raise exception.BuildAbortException(instance_uuid=instance.uuid,
                                                    reason=reason)
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

        An engine image id already known (ensured by an earlier spawn, or Glance's
        ``docker_image_id``) is used without asking the engine first; only when the
        engine lacks it is the image ensured (downloaded, loaded or pulled).
        """
        with self._image_errors(image):
            image_id = self.images.known(image)
        if image_id:
            try:
                return self._create(instance, image, image_id, network_info)
            except errors.ImageMissing:
                self.images.forget(image)

        def download(fileobj):
            self._glance.download(context, image["id"], data=fileobj)

        with self._image_errors(image):
            image_id = self.images.ensure(image, download)
        return self._create(instance, image, image_id, network_info)

    def _create(self, instance, image, image_id, network_info):
        container_spec = specs.build(
            instance, image, image_id, network.container_network_args(instance, network_info),
            self._hostname(), cpu_quota=CONF.docker.cpu_quota)
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
            if container_spec.storage_opt:
                raise errors.InvalidSpec(
                    "flavor extra spec docker:disk_quota",
                    f"the engine cannot limit the container's disk: {exc.message}",
                    "overlay2 needs its data root on xfs mounted with pquota; use a flavor "
                    "without docker:disk_quota on this host") from exc
            raise

    def _start(self, instance, container_id, network_info):
        """Start the container and plug its VIFs; returns when it was started."""
        with errors.translated():
            self.engine.api.start(container_id)
        started = time.monotonic()
        network.plug_vifs(self.engine, container_id, instance, network_info)
        return started

    def _exited_reason(self, container_id, started):
        """Why the container started at ``started`` stopped running (None: it runs).

        The engine is asked to answer as soon as the container stops running, for what
        is left of ``[docker] spawn_check_seconds`` since the start: a process that exits
        at once fails the operation with its exit code and last log lines, never a hang.
        A healthy container costs the whole window; 0 turns the watch off.
        """
        window = CONF.docker.spawn_check_seconds
        if window <= 0:
            return None
        result = self._wait_for_exit(container_id,
                                     max(0.01, window - (time.monotonic() - started)))
        if result is None:
            return None
        with self._engine_errors():
            tail = self.engine.logs(container_id, tail=CONF.docker.fault_log_lines)
        error = (result.get("Error") or {}).get("Message")
        return (f"the container exited at once with code {result.get('StatusCode')}"
                f"{' (' + error + ')' if error else ''}; "
                f"last log lines:\n{tail.strip() or '(no output)'}")

    def _wait_for_exit(self, container_id, timeout):
        """The engine's wait result when the container stops running within ``timeout``
        seconds, else None (it still runs)."""
        with self._engine_errors(), errors.translated():
            try:
                return self.engine.api.wait(container_id, timeout=timeout,
                                            condition="not-running")
            except requests.exceptions.RequestException as exc:
                if _read_timed_out(exc):
                    return None
                raise

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
            try:
                self.engine.remove_container(container_id, timeout=0)
            except errors.EngineUnreachable:
                return
            except errors.DockerLayerError as exc:
                LOG.warning("Could not remove orphan container %s: %s", container_id, exc)
            else:
                LOG.info("Removed container %s left by a failed spawn", container_id)
            self._orphans.discard(container_id)

    def destroy(self, context, instance, network_info, block_device_info=None,
                destroy_disks=True, destroy_secrets=True):
        """Remove the container (hard stop); nothing to do when it is already gone."""
        info = self._find(instance)
        if info is not None:
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

    def _stop(self, container_id, timeout):
        with self._engine_errors():
            if self.engine.inspect_container(container_id)["State"].get("Paused"):
                self.engine.api.unpause(container_id)
            with errors.translated():
                self.engine.api.stop(container_id, timeout=timeout)

    def _power_on(self, instance, network_info):
        info = self._inspect(instance)
        self._mark_suspended(instance, False)
        if info["State"].get("Paused"):
            with self._engine_errors(instance), errors.translated():
                self.engine.api.unpause(info["Id"])
            return
        if info["State"].get("Running"):
            return
        with self._engine_errors(instance):
            started = self._start(instance, info["Id"], network_info)
        reason = self._exited_reason(info["Id"], started)
        if reason:
            raise exception.InstancePowerOnFailure(reason=reason)

    def power_off(self, instance, timeout=0, retry_interval=0):
        """Stop with SIGTERM, SIGKILL after ``timeout`` seconds (0: at once, as Nova means)."""
        self._stop(self._inspect(instance)["Id"], timeout)

    def power_on(self, context, instance, network_info, block_device_info=None,
                 accel_info=None, share_info=None):
        self._power_on(instance, network_info)

    def reboot(self, context, instance, network_info, reboot_type, block_device_info=None,
               bad_volumes_callback=None, accel_info=None, share_info=None):
        """Soft: SIGTERM and ``[docker] stop_timeout`` grace; hard: SIGKILL. Then start."""
        info = self._inspect(instance)
        timeout = CONF.docker.stop_timeout if reboot_type == "SOFT" else 0
        self._stop(info["Id"], timeout)
        self._power_on(instance, network_info)

    def resume_state_on_host_boot(self, context, instance, network_info, share_info,
                                  block_device_info=None):
        """After an engine or host restart, start the instances Nova thinks are running."""
        self._power_on(instance, network_info)

    def soft_delete(self, instance):
        self._stop(self._inspect(instance)["Id"], CONF.docker.stop_timeout)

    def restore(self, instance):
        self._power_on(instance, instance.get_network_info())

    def pause(self, instance):
        info = self._inspect(instance)
        if info["State"].get("Running") and not info["State"].get("Paused"):
            with self._engine_errors(instance), errors.translated():
                self.engine.api.pause(info["Id"])

    def unpause(self, instance):
        info = self._inspect(instance)
        if info["State"].get("Paused"):
            with self._engine_errors(instance), errors.translated():
                self.engine.api.unpause(info["Id"])

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
        info = self._inspect(instance)
        if info["State"].get("Running"):
            network.plug_vifs(self.engine, info["Id"], instance, network_info)

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
        container_id = self._inspect(instance)["Id"]
        with self._engine_errors(instance):
            return self.engine.logs(container_id, tail=CONF.docker.console_log_lines)

    def _stats(self, instance):
        info = self._inspect(instance)
        with self._engine_errors(instance), errors.translated():
            return info, self.engine.api.stats(info["Id"], stream=False)

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
            maximum=info["HostConfig"].get("Memory", 0) // resources.MiB,
            used=stats.get("memory_stats", {}).get("usage", 0) // resources.MiB)
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
                self._glance.update(context, image_id, metadata, data=data,
                                    purge_props=False)
            LOG.info("Snapshot %s of instance %s: %d bytes uploaded", image_id,
                     instance.uuid, data.size)
        finally:
            snapshot.discard(self.engine, committed)

    def manage_image_cache(self, context, all_instances):
        """Drop cached image data that no instance on this host was booted from."""
        in_use = {instance.image_ref for instance in all_instances}
        cache = ImageCache(CONF.docker.image_cache_dir)
        for image_id in cache.image_ids():
            if image_id not in in_use:
                LOG.info("Removing unused image %s from the cache", image_id)
                cache.remove(image_id)


def _read_timed_out(exc):
    """requests reports a read timeout as ReadTimeout over TCP, but as a ConnectionError
    wrapping urllib3's ReadTimeoutError over the docker SDK's unix socket adapter."""
    return isinstance(exc, requests.exceptions.ReadTimeout) or any(
        isinstance(arg, urllib3.exceptions.ReadTimeoutError) for arg in exc.args)


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
