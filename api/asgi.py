"""ASGI entry point for uvicorn workers: ``uvicorn govgraph.api.asgi:app``."""

from govgraph.api.app import create_app

app = create_app()
