"""Helpers for end-to-end tests: run the service as production does, in separate processes."""
