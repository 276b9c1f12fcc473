"""manage.py commands: seed_catalogue."""
