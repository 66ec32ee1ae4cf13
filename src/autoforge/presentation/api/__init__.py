"""The routers of the REST API under /api/v1, one module per area."""
