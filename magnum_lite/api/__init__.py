"""The Magnum-v1-compatible HTTP API (webob + routes)."""
