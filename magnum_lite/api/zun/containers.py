"""``/v1/containers``: Zun's container API on magnum_lite clusters.

Create and the lifecycle actions only record intent (``task_state`` and the action's
parameters, 202) for a conductor to carry out; logs and execute reach the task's
container on its node at once, as Zun's compute does.
"""

import datetime
import shlex
import signal as signals
import uuid as uuidlib

import sqlalchemy as sa

from magnum_lite import status as cluster_status
from magnum_lite.api import errors, pagination, validation
from magnum_lite.api.controllers import common
from magnum_lite.api.zun import errors as zun_errors
from magnum_lite.api.zun import views
from magnum_lite.containers import access as cluster_access
from magnum_lite.containers import request as create_request
from magnum_lite.containers import states as st
from magnum_lite.db import models
from openstack_docker import errors as docker_errors

Container = models.Container
FILTERS = ("name", "image", "project_id", "user_id", "memory", "host", "task_state",
           "status", "auto_remove")
PAGING = ("limit", "marker", "sort_key", "sort_dir", "all_projects")
TRUE = ("true", "1", "yes", "on")


_ACCESS = {}


def _access(conf):
    """One ClusterAccess per config (its engines keep their connections)."""
    access = _ACCESS.get(id(conf))
    if access is None or access.conf is not conf:
        access = _ACCESS[id(conf)] = cluster_access.ClusterAccess(conf)
    return access


def _flag(req, name, default=False):
    value = req.GET.get(name)
    if value is None or value == "":
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in ("false", "0", "no", "off", "none"):
        return False
    raise errors.BadRequest(f"Invalid value for {name}: {value!r}; expected true or false.")


def _all_projects(req):
    if not _flag(req, "all_projects"):
        return False
    req.authorize("container:get_all_all_projects")
    return True


def _get(req, ident):
    """The caller's container by uuid or name (another project's is not found)."""
    query = sa.select(Container)
    if not (req.is_admin and _all_projects(req)):
        query = query.where(Container.project_id == req.ctx.project_id)
    if validation.is_uuid_like(ident):
        rows = req.db.scalars(query.where(Container.uuid == ident.lower())).all()
    else:
        rows = req.db.scalars(query.where(Container.name == ident).limit(2)).all()
    if not rows:
        raise errors.NotFound(f"Container {ident} could not be found.",
                              code=zun_errors.NOT_FOUND)
    if len(rows) > 1:
        raise errors.Conflict("Multiple containers exist with same name. Please use the "
                              "container uuid instead.")
    return rows[0]


def _cluster(req, hints):
    """The cluster named by the ``cluster`` hint, else the project's only usable one."""
    where = [models.Cluster.project_id == req.ctx.project_id]
    ident = hints.get("cluster")
    if ident:
        column = models.Cluster.uuid if validation.is_uuid_like(ident) else models.Cluster.name
        rows = req.db.scalars(sa.select(models.Cluster).where(*where, column == ident)).all()
        if len(rows) != 1:
            raise errors.BadRequest(f"Invalid input for field/attribute hints: cluster "
                                    f"{ident} " + ("could not be found." if not rows else
                                                   "is ambiguous; give its uuid."))
        if rows[0].status not in cluster_status.RUNNING:
            raise errors.BadRequest(f"Cluster {ident} is {rows[0].status}; containers run "
                                    "only on a complete cluster.")
        return rows[0]
    rows = req.db.scalars(sa.select(models.Cluster).where(
        *where, models.Cluster.status.in_(sorted(cluster_status.RUNNING)))).all()
    if len(rows) != 1:
        raise errors.BadRequest(
            ("Your project has no complete cluster to run containers on; create one "
             "(openstack coe cluster create)" if not rows else
             f"Your project has {len(rows)} clusters") +
            ": choose one with the scheduler hint cluster=NAME (--hint cluster=NAME).")
    return rows[0]


def _check_quota(req):
    limit = req.conf.quotas.max_containers_per_project
    used = req.db.scalar(sa.select(sa.func.count()).select_from(Container).where(
        Container.project_id == req.ctx.project_id))
    if used >= limit:
        raise errors.Forbidden(f"Quota exceeded for resources: ['containers'] (the limit "
                               f"is {limit} containers per project).",
                               code=zun_errors.OVER_QUOTA)


def _reply(req, row, status=200):
    return common.reply(views.container(req, row), status)


def create(req):
    req.authorize("container:create")
    columns, spec = create_request.check(common.json_body(req))
    cluster = _cluster(req, spec["hints"])
    _check_quota(req)
    uuid = str(uuidlib.uuid4())
    row = Container(uuid=uuid, project_id=req.ctx.project_id, user_id=req.ctx.user_id,
                    cluster_uuid=cluster.uuid, status=st.CREATING,
                    task_state=st.CREATING_TASK,
                    action_params={"run": _flag(req, "run")}, spec=spec, addresses={},
                    **{**columns, "name": columns["name"] or f"zun-{uuid[:13]}"})
    req.db.add(row)
    req.db.flush()
    req.db.info["enqueued"] = True
    return _reply(req, row, 202)


def index(req):
    req.authorize("container:get_all")
    unknown = sorted(set(req.GET) - set(FILTERS) - set(PAGING))
    if unknown:
        raise errors.BadRequest(f"Unknown parameters: {', '.join(unknown)}")
    where = []
    if not _all_projects(req):
        where.append(Container.project_id == req.ctx.project_id)
    for name in FILTERS:
        value = req.GET.get(name)
        if value is None:
            continue
        if name == "auto_remove":
            value = _flag(req, name)
        elif name == "memory":
            value = create_request.memory(value)
        where.append(getattr(Container, name) == value)
    rows, next_url = pagination.page(req, Container, where)
    return common.reply(common.collection(
        "containers", [views.container(req, row) for row in rows], next_url))


def show(req, ident):
    row = _get(req, ident)
    req.authorize("container:get_one", row.project_id)
    cluster_name = req.db.scalar(sa.select(models.Cluster.name).where(
        models.Cluster.uuid == row.cluster_uuid))
    return common.reply(views.container(req, row, cluster_name))


def _begin(req, row, action, task_state, status=None, **params):
    """Record an action for a conductor: 409 when the state forbids it (Zun's
    VALID_STATES) or another action is still pending."""
    if row.task_state is not None:
        raise errors.Conflict(f"Cannot {action} container {row.uuid}: its "
                              f"{row.task_state} has not finished yet.",
                              code=zun_errors.INVALID_STATE)
    row.task_state, row.action_params = task_state, params
    row.claim_owner = row.claim_until = None
    if status:
        row.status = status
    row.updated_at = models.utcnow()
    req.db.info["enqueued"] = True
    return common.reply(None, 202)


def _action(action, task_state, **defaults):
    def handler(req, ident):
        row = _get(req, ident)
        req.authorize(f"container:{action}", row.project_id)
        if not st.allowed(action, row.status):
            raise zun_errors.invalid_state(action, row)
        params = {name: _param(req, name, default) for name, default in defaults.items()}
        return _begin(req, row, action, task_state, **params)
    handler.__name__ = action
    return handler


def _param(req, name, default):
    value = req.GET.get(name)
    if name == "timeout":
        return validation.Field("int", minimum=0).check("timeout", value) \
            if value not in (None, "") else default
    if name == "signal":
        return _signal(value)
    return default if value is None else value


def _signal(value):
    """Zun accepts None, SIGTERM, TERM, sigterm, term or 15."""
    if value in (None, "", "None"):
        return None
    text = str(value).upper()
    if text.isdigit():
        number = int(text)
        if number in {s.value for s in signals.Signals}:
            return number
    else:
        name = text if text.startswith("SIG") else "SIG" + text
        if name in signals.Signals.__members__:
            return name
    raise errors.BadRequest(f"Invalid input for field/attribute signal. Value: '{value}'. "
                            "Expected a signal such as SIGTERM, TERM or 15.")


start = _action("start", st.STARTING)
stop = _action("stop", st.STOPPING, timeout=10)
reboot = _action("reboot", st.REBOOTING, timeout=10)
pause = _action("pause", st.PAUSING)
unpause = _action("unpause", st.UNPAUSING)
kill = _action("kill", st.KILLING, signal=None)


def delete(req, ident):
    row = _get(req, ident)
    force, stop_first = _flag(req, "force"), _flag(req, "stop")
    if stop_first:
        action = "delete_after_stop"
    elif force:
        action = "delete_force"
        req.authorize("container:delete_force", row.project_id)
    else:
        action = "delete"
    req.authorize("container:delete", row.project_id)
    if not st.allowed(action, row.status):
        raise zun_errors.invalid_state("delete", row)
    if row.task_state is not None and force:
        row.task_state = None  # a forced delete replaces what was pending
    _begin(req, row, "delete", st.DELETING_TASK, st.DELETING)
    return common.no_content()


UPDATE_FIELDS = {"name": validation.Field("str", pattern=create_request.NAME_RE),
                 "cpu": validation.Field("str"), "memory": validation.Field("str"),
                 "auto_heal": validation.Field("bool")}


def update(req, ident):
    row = _get(req, ident)
    req.authorize("container:update", row.project_id)
    body = common.json_body(req)
    if isinstance(body, dict):  # zunclient sends numbers as strings: check them as text
        body = {k: (str(v) if k in ("cpu", "memory") and v is not None else v)
                for k, v in body.items()}
    values = validation.check_body(body, UPDATE_FIELDS, "container")
    if not st.allowed("update", row.status):
        raise zun_errors.invalid_state("update", row)
    cpu = create_request.cpu(values["cpu"])
    memory = create_request.memory(values["memory"])
    if cpu is not None or memory is not None:
        if row.service_id is None or row.task_state is not None:
            raise errors.Conflict(f"Cannot update container {row.uuid} while its "
                                  f"{row.task_state or 'creation'} runs.",
                                  code=zun_errors.INVALID_STATE)
        _engine_call(lambda: _access(req.conf).manager(row.cluster_uuid).update_service(
            row.service_id, nano_cpus=int(cpu * 1e9) if cpu else None,
            memory_bytes=create_request.memory_bytes(memory)))
        row.cpu = cpu if cpu is not None else row.cpu
        row.memory = memory or row.memory
    if values["name"]:
        row.name = values["name"]
    row.updated_at = models.utcnow()
    req.db.flush()
    return _reply(req, row)


def _engine_call(call):
    """An engine call on the request's behalf: what fails is a 409 saying why."""
    try:
        return call()
    except (docker_errors.DockerLayerError, cluster_access.NodeUnavailable,
            cluster_access.DriverError) as exc:
        raise errors.Conflict(f"The cluster could not do it: {exc}") from exc


def _task_container(req, row, action):
    if not st.allowed(action, row.status):
        raise zun_errors.invalid_state(action, row)
    if not (row.container_id and row.node_id):
        raise errors.Conflict(f"Container {row.uuid} has no running task yet.",
                              code=zun_errors.INVALID_STATE)
    return _engine_call(lambda: _access(req.conf).node_engine(row.cluster_uuid,
                                                               row.node_id))


def logs(req, ident):
    row = _get(req, ident)
    req.authorize("container:logs", row.project_id)
    stdout, stderr = _flag(req, "stdout", True), _flag(req, "stderr", True)
    if not (stdout or stderr):
        stdout = stderr = True
    tail = req.GET.get("tail") or "all"
    if tail != "all":
        tail = validation.Field("int", minimum=0).check("tail", tail)
    since = _since(req.GET.get("since"))
    if not (row.container_id and row.node_id) and st.allowed("logs", row.status):
        return common.reply("")
    engine = _task_container(req, row, "logs")
    text = _engine_call(lambda: engine.logs(
        row.container_id, tail=None if tail == "all" else tail, stdout=stdout,
        stderr=stderr, timestamps=_flag(req, "timestamps"), since=since))
    return common.reply(text)


def _since(value):
    if value in (None, ""):
        return None
    try:
        return int(float(value))
    except ValueError:
        pass
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise errors.BadRequest(f"Invalid input for field/attribute since. Value: "
                                f"'{value}'. Expected epoch seconds or an ISO 8601 "
                                "time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return int(moment.timestamp())


def execute(req, ident):
    row = _get(req, ident)
    req.authorize("container:execute", row.project_id)
    if _flag(req, "interactive") or not _flag(req, "run", True):
        raise errors.BadRequest("Interactive execution is not supported; run the command "
                                "without --interactive.")
    try:
        command = shlex.split(req.GET.get("command") or "")
    except ValueError as exc:
        raise errors.BadRequest(f"Invalid input for field/attribute command: {exc}") \
            from None
    if not command:
        raise errors.BadRequest("Invalid input for field/attribute command: a command is "
                                "required.")
    engine = _task_container(req, row, "execute")
    exit_code, output = _engine_call(lambda: engine.exec_run(row.container_id, command))
    return common.reply({"output": output, "exit_code": exit_code, "exec_id": None,
                         "proxy_url": None})


for _handler in (logs, execute):
    _handler.reads_only = True
