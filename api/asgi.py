"""ASGI entry point for running under uvicorn directly: ``uvicorn govgraph.api.asgi:app``.

The store comes from ``$GOVGRAPH_STORE``. A versioned store (``oxigraph+versions:PATH``) is
opened read-only, so several workers (``--workers N``) can serve it and ``govgraph load``
can publish a new version meanwhile; the workers switch to it request by request.
(``govgraph serve --workers N`` hands each worker its store without the environment.)
"""

from govgraph.api.server import serving_app

app = serving_app()
