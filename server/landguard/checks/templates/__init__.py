"""Django and Jinja2 templates: HTML escaping turned off (``|safe``, ``{% autoescape off %}``)."""
