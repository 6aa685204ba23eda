"""Benchmarks: `make bench` (python -m bench.run) measures the service beside Isso."""
