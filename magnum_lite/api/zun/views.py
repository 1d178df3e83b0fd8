"""Container rows to Zun's container view (every key zunclient shows), plus ``cluster``."""

import shlex

from magnum_lite.api.views import links, stamp

COMMAND_AS_LIST = (1, 20)


def container(req, row, cluster_name=None):
    spec = row.spec or {}
    command = row.command
    if command is not None and req.version < COMMAND_AS_LIST:
        command = shlex.join(command)
    return {
        "uuid": row.uuid, "user_id": row.user_id, "project_id": row.project_id,
        "name": row.name, "image": row.image, "links": links(req, "containers", row.uuid),
        "command": command, "status": row.status, "status_reason": row.status_reason,
        "task_state": row.task_state, "cpu": row.cpu, "memory": row.memory,
        "environment": spec.get("environment") or {}, "workdir": spec.get("workdir"),
        "ports": sorted(int(p.partition("/")[0]) for p in spec.get("exposed_ports") or {}),
        "hostname": spec.get("hostname") or row.name, "labels": spec.get("labels") or {},
        "addresses": row.addresses or {},
        "image_pull_policy": spec.get("image_pull_policy"), "host": row.host,
        # Without a policy a task is restarted on failure (and so moved off a lost node).
        "restart_policy": spec.get("restart_policy") or {"Name": "on-failure",
                                                         "MaximumRetryCount": "0"},
        "status_detail": None,
        "interactive": spec.get("interactive", False), "tty": spec.get("tty", False),
        "image_driver": "docker", "security_groups": [], "auto_remove": row.auto_remove,
        "runtime": None, "disk": 0, "auto_heal": False, "privileged": False,
        "healthcheck": spec.get("healthcheck") or {}, "cpu_policy": "shared",
        "registry_id": None, "entrypoint": spec.get("entrypoint"),
        "created_at": stamp(row.created_at), "updated_at": stamp(row.updated_at),
        "cluster": row.cluster_uuid, "cluster_name": cluster_name,
        "image_ref": row.image_ref,
    }
