"""ASGI entry point for uvicorn workers: ``uvicorn govgraph.api.asgi:app``.

The store comes from ``$GOVGRAPH_STORE``. A versioned store (``oxigraph+versions:PATH``) is
opened read-only, so several workers (``--workers N``) can serve it and ``govgraph load``
can publish a new version meanwhile; the workers switch to it request by request.
"""

from govgraph.api.app import create_app
from govgraph.graph.store import open_store
from govgraph.graph.versioned_store import VersionedStore

store = open_store()
if isinstance(store, VersionedStore):
    store.read_only = True
app = create_app(store)
