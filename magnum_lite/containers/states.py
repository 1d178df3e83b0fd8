"""Zun's container statuses, task states and VALID_STATES, and the status a container has
given what its swarm service and task say."""

import dataclasses

ERROR = "Error"
RUNNING = "Running"
STOPPED = "Stopped"
PAUSED = "Paused"
UNKNOWN = "Unknown"
CREATING = "Creating"
CREATED = "Created"
DELETED = "Deleted"
DELETING = "Deleting"
REBUILDING = "Rebuilding"
DEAD = "Dead"
RESTARTING = "Restarting"
STATUSES = (ERROR, RUNNING, STOPPED, PAUSED, UNKNOWN, CREATING, CREATED, DELETED,
            DELETING, REBUILDING, DEAD, RESTARTING)

# task_state: the action a conductor has still to do (None: nothing pending).
CREATING_TASK = "container_creating"
STARTING = "container_starting"
STOPPING = "container_stopping"
REBOOTING = "container_rebooting"
PAUSING = "container_pausing"
UNPAUSING = "container_unpausing"
KILLING = "container_killing"
DELETING_TASK = "container_deleting"
TASK_STATES = ("image_pulling", CREATING_TASK, STARTING, DELETING_TASK, STOPPING,
               REBOOTING, PAUSING, UNPAUSING, KILLING, "sg_adding", "sg_removing",
               "network_attaching", "network_detaching", "container_rebuilding")

# Zun 18's zun/common/utils.py VALID_STATES, verbatim for the actions served here.
VALID_STATES = {
    "commit": [RUNNING, STOPPED, PAUSED],
    "delete": [CREATED, ERROR, STOPPED, DELETED, DEAD],
    "delete_force": [CREATED, CREATING, ERROR, RUNNING, STOPPED, UNKNOWN, DELETED, DEAD,
                     RESTARTING, REBUILDING, DELETING],
    "delete_after_stop": [RUNNING, CREATED, ERROR, STOPPED, DELETED, DEAD],
    "start": [CREATED, STOPPED, ERROR],
    "stop": [RUNNING],
    "reboot": [CREATED, RUNNING, STOPPED, ERROR],
    "rebuild": [CREATED, RUNNING, STOPPED, ERROR],
    "pause": [RUNNING],
    "unpause": [PAUSED],
    "kill": [RUNNING],
    "execute": [RUNNING],
    "execute_resize": [RUNNING],
    "update": [CREATED, RUNNING, STOPPED, PAUSED],
    "attach": [RUNNING],
    "resize": [RUNNING],
    "top": [RUNNING],
    "get_archive": [CREATED, PAUSED, RUNNING, STOPPED],
    "put_archive": [CREATED, PAUSED, RUNNING, STOPPED],
    "logs": [CREATED, ERROR, PAUSED, RUNNING, STOPPED, UNKNOWN],
    "stats": [RUNNING],
    "add_security_group": [CREATED, RUNNING, STOPPED, PAUSED],
    "remove_security_group": [CREATED, RUNNING, STOPPED, PAUSED],
    "resize_container": [CREATED, RUNNING, STOPPED, PAUSED],
}


def allowed(action, status):
    return status in VALID_STATES[action]


# Swarm task states (moby/swarmkit api.TaskState, lower case as the engine reports them).
_STARTING = {"new", "pending", "assigned", "accepted", "preparing", "ready", "starting"}
_ENDED_OK = {"complete", "shutdown"}
_FAILED = {"failed", "rejected"}


@dataclasses.dataclass
class Observed:
    """What the swarm says about one container: its status, why, and its current task."""

    status: str
    reason: str | None = None
    task: dict | None = None


def _newest(tasks):
    return max(tasks, key=lambda t: (t.get("Version") or {}).get("Index", 0))


def observe(service, tasks, down_nodes=frozenset(), paused=frozenset(), started=True):
    """The Zun status of a container from its service (None: gone), the service's tasks,
    the ids of nodes that are down and the ids of paused containers.

    ``started`` is False for a container created but never started (replicas 0 then means
    Created, not Stopped).
    """
    if service is None:
        return Observed(ERROR, "its swarm service no longer exists")
    replicas = ((service.get("Spec") or {}).get("Mode") or {}).get(
        "Replicated", {}).get("Replicas", 0)
    wanted = [t for t in tasks if t.get("DesiredState") == "running"]
    if replicas == 0 and not wanted:
        return Observed(STOPPED if started else CREATED)
    if not wanted:
        if not tasks:
            return Observed(CREATING)
        last = _newest(tasks)
        return _ended(last)
    task = _newest(wanted)
    state = task["Status"]["State"]
    if task.get("NodeID") in down_nodes:
        return Observed(UNKNOWN, f"node {task['NodeID']} of its task is down", task)
    if state == "running":
        container_id = (task["Status"].get("ContainerStatus") or {}).get("ContainerID")
        if container_id and container_id in paused:
            return Observed(PAUSED, None, task)
        return Observed(RUNNING, None, task)
    if state in _STARTING:
        earlier = [t for t in tasks if t is not task]
        return Observed(RESTARTING if earlier else CREATING,
                        task["Status"].get("Message"), task)
    return _ended(task)


def _ended(task):
    status = task["Status"]
    state = status["State"]
    if state in _FAILED:
        return Observed(ERROR, status.get("Err") or status.get("Message") or state, task)
    if state in _ENDED_OK:
        return Observed(STOPPED, None, task)
    if state in _STARTING:  # a replacement waiting for its restart delay
        return Observed(RESTARTING, status.get("Message"), task)
    return Observed(UNKNOWN, f"task {state}", task)
