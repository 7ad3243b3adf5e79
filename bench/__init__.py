"""Benchmarks that drive the running app (not unit tests)."""
