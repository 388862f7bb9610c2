"""Features, each platform-neutral: they talk to people only through the core.

Every module or package here is loaded (see bot/discovery.py); an installed package adds
its own through the ``homeroom.cogs`` entry-point group.
"""
