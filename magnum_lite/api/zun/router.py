"""URL map of the containers API (unversioned paths mean v1, as Magnum's)."""

from magnum_lite.api import router as base
from magnum_lite.api.zun import containers, root

ACTIONS = ("start", "stop", "reboot", "pause", "unpause", "kill", "execute")
ROUTES = (
    ("/", {"GET": root.root}),
    ("/v1", {"GET": root.v1}),
    ("/v1/containers", {"GET": containers.index, "POST": containers.create}),
    ("/v1/containers/{ident}", {"GET": containers.show, "PATCH": containers.update,
                                "DELETE": containers.delete}),
    ("/v1/containers/{ident}/logs", {"GET": containers.logs}),
    *((f"/v1/containers/{{ident}}/{action}", {"POST": getattr(containers, action)})
      for action in ACTIONS),
)
versioned = base.versioned


def build():
    return base.build(ROUTES)


def handlers_of(match):
    return base.handlers_of(match, ROUTES)
