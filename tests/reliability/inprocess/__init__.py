"""Checks that need one target's app in the test process (run once per target, in a subprocess)."""
