"""Reliability and security: concurrency, fuzzing, bad input, security settings, soak."""
