"""Default policy rules, in code (``oslo.policy.policies`` entry point ``magnum_lite``).

Project members manage their own project's objects; admins see and manage every
project's, set quotas and list services, as in Magnum.
"""

from oslo_policy import policy

ADMIN = "rule:context_is_admin"
OWNER = "rule:admin_or_owner"

_BASE = [
    policy.RuleDefault("context_is_admin", "role:admin", "Who is an administrator."),
    policy.RuleDefault("admin_or_owner", "rule:context_is_admin or project_id:%(project_id)s",
                       "An administrator, or a member of the object's project."),
]


# (name, check, description, method, path): one documented default per API action.
_API_TABLE = (
    ("cluster:create", OWNER, "Create a cluster.", "POST", "/v1/clusters"),
    ("cluster:get_all", OWNER, "List clusters.", "GET", "/v1/clusters"),
    ("cluster:get", OWNER, "Show a cluster.", "GET", "/v1/clusters/{cluster}"),
    ("cluster:update", OWNER, "Change a cluster's node count.", "PATCH",
     "/v1/clusters/{cluster}"),
    ("cluster:resize", OWNER, "Resize a cluster.", "POST",
     "/v1/clusters/{cluster}/actions/resize"),
    ("cluster:delete", OWNER, "Delete a cluster.", "DELETE", "/v1/clusters/{cluster}"),
    ("clustertemplate:create", OWNER, "Create a cluster template.", "POST",
     "/v1/clustertemplates"),
    ("clustertemplate:get_all", OWNER, "List cluster templates.", "GET",
     "/v1/clustertemplates"),
    ("clustertemplate:get", OWNER, "Show a cluster template.", "GET",
     "/v1/clustertemplates/{clustertemplate}"),
    ("clustertemplate:update", OWNER, "Update a cluster template.", "PATCH",
     "/v1/clustertemplates/{clustertemplate}"),
    ("clustertemplate:delete", OWNER, "Delete a cluster template.", "DELETE",
     "/v1/clustertemplates/{clustertemplate}"),
    ("clustertemplate:publish", ADMIN, "Make a cluster template public or hidden.",
     "POST", "/v1/clustertemplates"),
    ("certificate:get", OWNER, "Show a cluster's CA certificate.", "GET",
     "/v1/certificates/{cluster}"),
    ("certificate:create", OWNER, "Sign a certificate request for a cluster.", "POST",
     "/v1/certificates"),
    ("certificate:rotate_ca", OWNER, "Rotate a cluster's CA.", "PATCH",
     "/v1/certificates/{cluster}"),
    ("magnum-service:get_all", ADMIN, "List magnum_lite services.", "GET", "/v1/mservices"),
    ("stats:get_all", OWNER, "Show cluster statistics of a project.", "GET", "/v1/stats"),
    ("quota:create", ADMIN, "Set a project's quota.", "POST", "/v1/quotas"),
    ("quota:update", ADMIN, "Change a project's quota.", "PATCH",
     "/v1/quotas/{project}/{resource}"),
    ("quota:delete", ADMIN, "Remove a project's quota.", "DELETE",
     "/v1/quotas/{project}/{resource}"),
    ("quota:get", OWNER, "Show a project's quota.", "GET", "/v1/quotas/{project}/{resource}"),
    ("quota:get_all", OWNER, "List quotas.", "GET", "/v1/quotas"),
    # The Zun-compatible containers API (its own port); Zun's rule names.
    ("container:create", OWNER, "Create a container.", "POST", "/v1/containers"),
    ("container:get_all", OWNER, "List containers.", "GET", "/v1/containers"),
    ("container:get_all_all_projects", ADMIN, "List containers of every project.", "GET",
     "/v1/containers"),
    ("container:get_one", OWNER, "Show a container.", "GET", "/v1/containers/{container}"),
    ("container:update", OWNER, "Rename a container or change its limits.", "PATCH",
     "/v1/containers/{container}"),
    ("container:delete", OWNER, "Delete a container.", "DELETE",
     "/v1/containers/{container}"),
    ("container:delete_force", ADMIN, "Delete a container whatever its state.", "DELETE",
     "/v1/containers/{container}"),
    *((f"container:{action}", OWNER, f"{action.capitalize()} a container.",
       "GET" if action == "logs" else "POST", f"/v1/containers/{{container}}/{action}")
      for action in ("start", "stop", "reboot", "pause", "unpause", "kill", "logs",
                     "execute")),
)


def list_rules():
    return _BASE + [
        policy.DocumentedRuleDefault(name, check, description,
                                     [{"method": method, "path": path}])
        for name, check, description, method, path in _API_TABLE]
