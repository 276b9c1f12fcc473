"""A client generated from the spec, driven against every target."""
