"""Test harness: real processes (redis-server, the simulator, workers) on free loopback ports."""
