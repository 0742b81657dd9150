"""The chassis every service shares: event envelope, event store, outbox relay, catch-up
subscriber, validation and the message catalogue. Framework-free: nothing here imports nameko."""
