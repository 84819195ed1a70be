"""govgraph: a knowledge graph of the governance around Scotland's care system."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("govgraph")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
