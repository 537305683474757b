"""Refresh against a real local HTTP server whose faults each test scripts (tests/faults/server.py)."""
