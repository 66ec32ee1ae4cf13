"""ASGI middleware: request context, security headers, request guards and authentication."""
