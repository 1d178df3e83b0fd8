"""The Zun-v1-compatible containers API (python-zunclient 5.5.0 drives it), served by the
same WSGI app as Magnum's API with Zun's routes, microversions and error body."""
