"""The nameko edge: the only place that knows nameko. Dependency providers that hand the
chassis to service workers, the batch-event entrypoint, and the process runner."""
