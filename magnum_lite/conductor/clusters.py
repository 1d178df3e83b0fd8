"""What the driver sees of a cluster: a plain snapshot, never a live DB row."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class DriverCluster:
    uuid: str
    name: str
    project_id: str
    labels: dict
    master_count: int
    node_count: int


def for_driver(row, node_count=None):
    return DriverCluster(uuid=row.uuid, name=row.name, project_id=row.project_id,
                         labels=dict(row.labels or {}), master_count=row.master_count,
                         node_count=row.node_count if node_count is None else node_count)
