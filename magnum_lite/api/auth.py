"""Who is asking: a request context from keystone's headers or, with noauth, from ours."""

from keystonemiddleware import auth_token
from oslo_context import context as oslo_context
from oslo_policy import policy

from magnum_lite import policies
from magnum_lite.api import errors

PUBLIC_PATHS = ("/", "/v1", "/v1/")


def context_from(req, conf):
    """The caller; in noauth mode the project comes from X-Project-Id or the default."""
    headers = req.headers
    if conf.api.auth_strategy == "noauth":
        roles = headers.get("X-Roles") or ",".join(conf.api.noauth_roles)
        return oslo_context.RequestContext(
            project_id=headers.get("X-Project-Id") or conf.api.noauth_project,
            user_id=headers.get("X-User-Id") or "noauth",
            roles=[r.strip() for r in roles.split(",") if r.strip()])
    return oslo_context.RequestContext.from_environ(req.environ)


class Policy:
    """oslo.policy with the in-code defaults; failures are Magnum's 403."""

    def __init__(self, conf):
        self.enforcer = policy.Enforcer(conf)
        self.enforcer.register_defaults(policies.list_rules())

    def is_admin(self, ctx):
        return self.enforcer.enforce("context_is_admin", {}, ctx.to_policy_values())

    def authorize(self, ctx, rule, project_id=None):
        target = {"project_id": project_id or ctx.project_id}
        if not self.enforcer.enforce(rule, target, ctx.to_policy_values()):
            raise errors.Forbidden(f"Policy doesn't allow {rule} to be performed.")


def keystone_protect(app, conf):
    """Wrap ``app`` with auth_token, leaving the version documents public."""
    protected = auth_token.AuthProtocol(app, {"oslo_config_config": conf})

    def middleware(environ, start_response):
        if environ.get("PATH_INFO", "/") in PUBLIC_PATHS:
            return app(environ, start_response)
        return protected(environ, start_response)

    return middleware
