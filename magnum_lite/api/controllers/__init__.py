"""One module per Magnum v1 resource; each handler takes the request, returns a Response."""
