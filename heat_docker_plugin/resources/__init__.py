"""The DockerInc::Docker::* resource classes."""
