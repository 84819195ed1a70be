"""The one place govgraph reads its configuration from the process environment.

Every variable is named here and read by :meth:`Config.from_environ`; no other module reads
``os.environ``. The CLI reads the configuration once per command and hands the values down
(the server's settings, the header deadline, the store); library code that is not handed one
asks :func:`current`, which reads the environment as it is at that moment (so a test's
``monkeypatch.setenv`` counts).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

PREFIX = "GOVGRAPH_"
STORE_ENV = "GOVGRAPH_STORE"
"""The store URL when ``--store`` is not given (docs/stores.md)."""
CACHE_ENV = "GOVGRAPH_CACHE"
"""The folder of govgraph's caches (default ``.govgraph/cache``): map layouts, and the copies of
the last loads into a remote store (graph/storage/last_loads.py)."""
DEFAULT_CACHE = ".govgraph/cache"
"""The cache folder when ``GOVGRAPH_CACHE`` is not set, relative to the working directory."""
HEADER_TIMEOUT_ENV = "GOVGRAPH_HEADER_TIMEOUT"
"""Seconds a client has to send a request's headers (default 10)."""
MAX_SOURCE_BYTES_ENV = "GOVGRAPH_MAX_SOURCE_BYTES"
"""The size limit of one source file (default 64 MiB)."""
MAX_STREAM_BYTES_ENV = "GOVGRAPH_MAX_STREAM_BYTES"
"""The size limit of one streamed RDF file."""
CI_ENV = "CI"
"""Set by CI services: load progress is printed plainly, without live bars."""


@dataclass(frozen=True)
class Config:
    """Every setting govgraph takes from the environment, as read at one moment. Values are
    kept as given (stripped); the module that owns a setting checks it and names the
    variable in its error, as before."""

    store: str | None = None
    cache: str | None = None
    header_timeout: str = ""
    max_source_bytes: str = ""
    max_stream_bytes: str = ""
    ci: bool = False
    variables: Mapping[str, str] = field(default_factory=dict)
    """Every ``GOVGRAPH_*`` variable by name: the server's settings read theirs from here
    (``GOVGRAPH_MAX_DEPTH``, ``GOVGRAPH_CORS_ORIGINS``, ... see docs/api.md)."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Config:
        """The configuration an environment (``os.environ`` or a test's dict) describes."""
        own = {k: v for k, v in environ.items() if k.startswith(PREFIX)}

        def text(name: str) -> str:
            return own.get(name, "").strip()

        return cls(
            store=own.get(STORE_ENV) or None,
            cache=own.get(CACHE_ENV) or None,
            header_timeout=text(HEADER_TIMEOUT_ENV),
            max_source_bytes=text(MAX_SOURCE_BYTES_ENV),
            max_stream_bytes=text(MAX_STREAM_BYTES_ENV),
            ci=bool(environ.get(CI_ENV)),
            variables=own,
        )

    def variable(self, name: str) -> str:
        """A ``GOVGRAPH_*`` variable as given, stripped; "" when unset."""
        return self.variables.get(name, "").strip()


def current() -> Config:
    """The process's configuration, read from its environment now."""
    return Config.from_environ(os.environ)
