"""Server-rendered web pages (Jinja2); Chinese first, English second."""
