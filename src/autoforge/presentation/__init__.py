"""The HTTP interface: routers, request and response schemas, and the one error mapper."""
