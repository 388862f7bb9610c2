"""Homeroom core: the platform-neutral event model, dispatcher, storage, jobs and services.

Dependencies point inward: adapters and cogs import ``bot``; ``bot`` never imports either.
"""

#: The one place the version is written: pyproject.toml reads it from here at build time.
__version__ = "0.1.0"
