"""Server settings: limits and switches, from arguments or GOVGRAPH_* environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from govgraph.graph.core.config import Config, current


@dataclass(frozen=True)
class Settings:
    """Every limit the OWASP GraphQL cheat sheet asks for, and the HTTP ones, in one place.

    ``debug`` is development mode: unexpected errors are shown (not masked) and GraphQL
    suggests field names. Production (the default) masks them and suggests nothing.
    """

    debug: bool = False
    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_cost: int = 20_000
    """Estimated fields resolved, multiplying list sizes (``first``, or list_estimate)."""
    list_estimate: int = 10
    """Assumed length of a list field with no ``first`` argument, for the cost estimate."""
    parser_cache_size: int = 256
    """Bounded LRU caches of parsed and validated documents."""
    max_body_bytes: int = 100_000
    introspection: bool = True
    graphiql: bool = True
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    """Origins allowed to call the API from a browser; empty means CORS is off."""
    threads: int = 8
    sparql_timeout: float = 10.0
    """Seconds one ad-hoc SPARQL query may run, its safety check included."""
    sparql_max_bytes: int = 20_000_000
    costly_slots: int = 2
    """Costly requests (SPARQL, diffs, snapshots, scenarios) run at once per worker process;
    one more waits for a slot (costly_wait, costly_queue), then is answered 503 with
    Retry-After."""
    costly_wait: float = 2.0
    """Seconds a costly request past the slots waits for one before the 503."""
    costly_queue: int = 16
    """Costly requests that may wait for a slot at once per worker; one more is a 503 at once."""
    costly_timeout: float = 60.0
    """Seconds one diff, snapshot or scenario may take before it is stopped (503)."""
    costly_max_bytes: int = 200_000_000
    """Largest result a diff, snapshot or scenario may hand back."""
    child_max_memory_mb: int = 1024
    """Megabytes a costly request's child process may allocate beyond the server's own."""
    retry_after: int = 5
    """Seconds a busy server asks a client to wait (the Retry-After header)."""
    warm_indexes: bool = True
    """Build the line index of each data version in the background (at start-up, and after
    a reload), so the first accountability chain does not wait for it; and then the
    organisations table, the search index and the maps' tables, for the same reason."""

    @classmethod
    def from_config(cls, config: Config) -> Settings:
        """Settings from the ``GOVGRAPH_<FIELD>`` variables of a configuration read once."""
        return cls.from_env(config.variables)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``GOVGRAPH_<FIELD>`` variables (``GOVGRAPH_MAX_DEPTH=8``,
        ``GOVGRAPH_CORS_ORIGINS=https://a.example,https://b.example``), then overrides."""
        env = current().variables if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"GOVGRAPH_{f.name.upper()}")
            if raw is None:
                continue
            kind = type(getattr(cls(), f.name))
            if kind is bool:
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            elif kind is tuple:
                values[f.name] = tuple(o.strip() for o in raw.split(",") if o.strip())
            else:
                values[f.name] = kind(raw)
        values.update(overrides)
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        for origin in self.cors_origins:
            if origin in ("*", "null") or not origin.startswith(("http://", "https://")):
                raise ValueError(
                    f"CORS origin {origin!r} refused: list explicit http(s) origins "
                    "(never '*' or 'null')"
                )
        if self.costly_slots < 1:
            raise ValueError("costly_slots must be at least 1")
        if self.costly_wait < 0 or self.costly_queue < 0:
            raise ValueError("costly_wait and costly_queue cannot be negative")
        if min(self.sparql_timeout, self.costly_timeout) <= 0:
            raise ValueError("timeouts must be positive numbers of seconds")
        if self.child_max_memory_mb < 64:
            raise ValueError("child_max_memory_mb must be at least 64")
        if self.parser_cache_size <= 0:
            raise ValueError("parser_cache_size must be a positive number (a bounded cache)")
