"""SQLAlchemy persistence: the event store, read models, queries and plain records."""
