"""The contract suite: one black-box suite for every target (see README.md here)."""
