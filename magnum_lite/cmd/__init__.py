"""Console scripts: magnum-lite-api, -conductor, -manage, -standalone."""
