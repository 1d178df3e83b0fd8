"""Tables of magnum_lite; the alembic migrations create exactly these."""

import datetime
import json

import sqlalchemy as sa
from sqlalchemy import orm


def utcnow():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class JSONText(sa.types.TypeDecorator):
    """JSON stored as text: portable across sqlite, MariaDB and PostgreSQL."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else json.dumps(value, sort_keys=True)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return {} if value == "{}" else json.loads(value)


class Base(orm.DeclarativeBase):
    pass


class Timestamped:
    created_at: orm.Mapped[datetime.datetime] = orm.mapped_column(sa.DateTime, default=utcnow)
    updated_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        sa.DateTime, onupdate=utcnow)


class ClusterTemplate(Timestamped, Base):
    __tablename__ = "cluster_templates"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    uuid: orm.Mapped[str] = orm.mapped_column(sa.String(36), unique=True)
    name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255), index=True)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255), index=True)
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    coe: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    image_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    public: orm.Mapped[bool] = orm.mapped_column(default=False)
    hidden: orm.Mapped[bool] = orm.mapped_column(default=False)
    tls_disabled: orm.Mapped[bool] = orm.mapped_column(default=False)
    labels: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)
    # Every other Magnum template attribute: stored as given, only shown back.
    extra: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)


class Cluster(Timestamped, Base):
    __tablename__ = "clusters"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    uuid: orm.Mapped[str] = orm.mapped_column(sa.String(36), unique=True)
    name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255), index=True)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255), index=True)
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    cluster_template_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(36), sa.ForeignKey("cluster_templates.uuid"), index=True)
    keypair: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    master_count: orm.Mapped[int] = orm.mapped_column(default=1)
    node_count: orm.Mapped[int] = orm.mapped_column(default=1)
    create_timeout: orm.Mapped[int] = orm.mapped_column(default=60)
    # Own columns (not ``extra``): the list view shows them, and lists must stay cheap.
    flavor_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    master_flavor_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    docker_volume_size: orm.Mapped[int | None] = orm.mapped_column()
    status: orm.Mapped[str] = orm.mapped_column(sa.String(20), index=True)
    status_reason: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    health_status: orm.Mapped[str | None] = orm.mapped_column(sa.String(20))
    health_status_reason: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)
    api_address: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    master_addresses: orm.Mapped[list] = orm.mapped_column(JSONText, default=list)
    node_addresses: orm.Mapped[list] = orm.mapped_column(JSONText, default=list)
    labels: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)
    faults: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)
    # Other Magnum cluster attributes (flavors, networks...): stored, shown back.
    extra: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)


class HostAllocation(Base):
    """One Docker host owned by one cluster; the unique host name makes claims atomic."""

    __tablename__ = "host_allocations"
    host: orm.Mapped[str] = orm.mapped_column(sa.String(255), primary_key=True)
    cluster_uuid: orm.Mapped[str] = orm.mapped_column(
        sa.String(36), sa.ForeignKey("clusters.uuid", ondelete="CASCADE"), index=True)
    role: orm.Mapped[str] = orm.mapped_column(sa.String(16))
    node_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    created_at: orm.Mapped[datetime.datetime] = orm.mapped_column(sa.DateTime, default=utcnow)


class Operation(Timestamped, Base):
    """A queued cluster operation; ``owner`` + ``lease_until`` make one worker run it."""

    __tablename__ = "operations"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    cluster_uuid: orm.Mapped[str] = orm.mapped_column(sa.String(36), index=True)
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(16))
    params: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)
    state: orm.Mapped[str] = orm.mapped_column(sa.String(16), index=True, default="queued")
    owner: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    lease_until: orm.Mapped[datetime.datetime | None] = orm.mapped_column(sa.DateTime)
    attempts: orm.Mapped[int] = orm.mapped_column(default=0)
    result: orm.Mapped[str | None] = orm.mapped_column(sa.Text)


class Quota(Timestamped, Base):
    __tablename__ = "quotas"
    __table_args__ = (sa.UniqueConstraint("project_id", "resource"),)
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    resource: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    hard_limit: orm.Mapped[int] = orm.mapped_column()


class Service(Timestamped, Base):
    """One running API or conductor process's heartbeat (``coe service list``)."""

    __tablename__ = "services"
    __table_args__ = (sa.UniqueConstraint("host", "binary"),)
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    host: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    binary: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    disabled: orm.Mapped[bool] = orm.mapped_column(default=False)
    disabled_reason: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    report_count: orm.Mapped[int] = orm.mapped_column(default=0)
    last_seen_up: orm.Mapped[datetime.datetime | None] = orm.mapped_column(sa.DateTime)


class Container(Timestamped, Base):
    """A Zun container: one single-replica swarm service on a cluster.

    ``task_state`` is Zun's (the action in progress); while it is set the row waits for a
    conductor, which claims it with ``claim_owner`` + ``claim_until`` (a lease) and runs
    the action with ``action_params``.
    """

    __tablename__ = "containers"
    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    uuid: orm.Mapped[str] = orm.mapped_column(sa.String(36), unique=True)
    name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255), index=True)
    project_id: orm.Mapped[str] = orm.mapped_column(sa.String(255), index=True)
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    cluster_uuid: orm.Mapped[str] = orm.mapped_column(sa.String(36), index=True)
    image: orm.Mapped[str] = orm.mapped_column(sa.String(255), index=True)
    # The image the service runs: resolved once, a digest or an image id.
    image_ref: orm.Mapped[str | None] = orm.mapped_column(sa.String(512))
    command: orm.Mapped[list | None] = orm.mapped_column(JSONText)
    cpu: orm.Mapped[float | None] = orm.mapped_column(sa.Float)
    memory: orm.Mapped[str | None] = orm.mapped_column(sa.String(255), index=True)
    status: orm.Mapped[str] = orm.mapped_column(sa.String(20), index=True)
    status_reason: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    task_state: orm.Mapped[str | None] = orm.mapped_column(sa.String(50), index=True)
    action_params: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)
    claim_owner: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    claim_until: orm.Mapped[datetime.datetime | None] = orm.mapped_column(sa.DateTime)
    host: orm.Mapped[str | None] = orm.mapped_column(sa.String(255), index=True)
    auto_remove: orm.Mapped[bool] = orm.mapped_column(default=False)
    service_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    task_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    node_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    container_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    addresses: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)
    # The rest of the request (environment, labels, workdir, ports, restart policy,
    # healthcheck...): the service spec is made from it, the view shows it back.
    spec: orm.Mapped[dict] = orm.mapped_column(JSONText, default=dict)
