"""The conductor: claims queued operations and runs them through the cluster driver."""
