"""Heat resources DockerInc::Docker::Container, ::Network and ::Volume."""
