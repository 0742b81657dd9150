"""What each service publishes for others to import: its events and their payload schemas,
the schemas of its commands and answers, its code lists and limits, its message texts.
Contracts depend on marshmallow and the chassis only; a service's internals are its own."""
