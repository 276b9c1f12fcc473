"""Tests for the sidebyside toolkit (loc, diff, ...)."""
