"""The HTTP edge: the FastAPI application, its API routers and its web pages."""
