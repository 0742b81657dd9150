"""The chassis every service shares: event envelope, event store, outbox relay, catch-up
subscriber, validation, code lists (labels, synonyms, the closest allowed values), Thai numbers
and dates, the message catalogue, and the register kit (`registers/`). Framework-free: nothing
here imports nameko."""
