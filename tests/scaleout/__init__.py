"""The scale-out suite: every target twice behind nginx, on shared PostgreSQL/Mongo and Redis."""
