"""Django project package: settings, root URLconf, WSGI/ASGI entry points."""
