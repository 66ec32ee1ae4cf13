"""Tests of logging, redaction, request context, security headers, metrics and health."""
