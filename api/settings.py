"""Server settings: limits and switches, from arguments or GOVGRAPH_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any


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
    sparql_max_bytes: int = 20_000_000

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``GOVGRAPH_<FIELD>`` variables (``GOVGRAPH_MAX_DEPTH=8``,
        ``GOVGRAPH_CORS_ORIGINS=https://a.example,https://b.example``), then overrides."""
        env = os.environ if environ is None else environ
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
        if self.parser_cache_size <= 0:
            raise ValueError("parser_cache_size must be a positive number (a bounded cache)")
