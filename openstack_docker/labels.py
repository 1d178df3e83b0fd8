"""Ownership labels: the project marks what it creates and touches nothing else.

Every container, network and volume created through :class:`~openstack_docker.engine.Engine`
carries ``org.openstack.docker.owner`` naming the component (``nova``, ``heat``,
``magnum``) and, where the component has one, the OpenStack id it belongs to.
"""

PREFIX = "org.openstack.docker."
OWNER = PREFIX + "owner"
RESOURCE_ID = PREFIX + "resource-id"

#: The owners: one per component, the value of :data:`OWNER` on what it creates.
NOVA = "nova"
HEAT = "heat"
MAGNUM = "magnum"


def ownership(owner, resource_id=None):
    """Labels that mark an object as created by ``owner`` for ``resource_id``."""
    labels = {OWNER: owner}
    if resource_id:
        labels[RESOURCE_ID] = str(resource_id)
    return labels


def owner_filter(owner, resource_id=None):
    """Engine-side list filter that selects only what ``owner`` created."""
    return {"label": [f"{key}={value}" for key, value in ownership(owner, resource_id).items()]}


def is_owned(labels, owner):
    """True when an object's labels say ``owner`` created it."""
    return (labels or {}).get(OWNER) == owner


def reserved_keys(labels):
    """User-supplied label keys that would impersonate the ownership marks."""
    return sorted(key for key in (labels or {}) if key.startswith(PREFIX))
