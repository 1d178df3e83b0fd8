"""What the engine's host offers Nova: VCPU, MEMORY_MB and DISK_GB.

Totals come from the engine (``NCPU``, ``MemTotal``) and from the filesystem holding the
engine's ``DockerRootDir`` (where container layers live). Reserved amounts and allocation
ratios follow Nova's own options, as every in-tree driver does.
"""

import dataclasses
import json
import os

from nova.objects import fields
from oslo_utils import units, versionutils


@dataclasses.dataclass(frozen=True)
class HostResources:
    vcpus: int
    memory_mb: int
    disk_gb: int
    disk_free_gb: int
    version: int
    arch: str

    @classmethod
    def from_engine(cls, info, fallback_dir):
        """Read ``engine.info()``; disk is measured where the engine stores layers."""
        root = info.get("DockerRootDir") or fallback_dir
        if not os.path.isdir(root):
            # A remote engine: its root is not visible here, measure our own state.
            root = fallback_dir
        stat = os.statvfs(root)
        arch = info.get("Architecture") or "x86_64"
        return cls(
            vcpus=int(info["NCPU"]),
            memory_mb=int(info["MemTotal"]) // units.Mi,
            disk_gb=stat.f_blocks * stat.f_frsize // units.Gi,
            disk_free_gb=stat.f_bavail * stat.f_frsize // units.Gi,
            version=versionutils.convert_version_to_int(
                (info.get("ServerVersion") or "0.0.0").split("-")[0].split("+")[0]),
            arch=fields.Architecture.canonicalize(arch),
        )

    def as_resource_dict(self, nodename):
        """The dict ``ComputeDriver.get_available_resource`` returns."""
        return {
            "vcpus": self.vcpus,
            "memory_mb": self.memory_mb,
            "local_gb": self.disk_gb,
            "vcpus_used": 0,
            "memory_mb_used": 0,
            "local_gb_used": self.disk_gb - self.disk_free_gb,
            "hypervisor_type": fields.HVType.DOCKER,
            "hypervisor_version": self.version,
            "hypervisor_hostname": nodename,
            "cpu_info": json.dumps({"arch": self.arch, "topology": {
                "sockets": 1, "cores": self.vcpus, "threads": 1}}),
            "disk_available_least": self.disk_free_gb,
            "supported_instances": [(self.arch, fields.HVType.DOCKER, fields.VMMode.EXE)],
            "numa_topology": None,
        }

    def inventory(self, ratios, reserved_cpus, reserved_memory_mb, reserved_disk_gb):
        """Placement inventory for the compute node provider."""
        def record(total, ratio, reserved):
            return {"total": total, "min_unit": 1, "max_unit": total, "step_size": 1,
                    "allocation_ratio": ratio, "reserved": reserved}
        return {
            "VCPU": record(self.vcpus, ratios["VCPU"], reserved_cpus),
            "MEMORY_MB": record(self.memory_mb, ratios["MEMORY_MB"], reserved_memory_mb),
            "DISK_GB": record(self.disk_gb, ratios["DISK_GB"], reserved_disk_gb),
        }
