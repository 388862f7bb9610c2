"""Features, each platform-neutral: they talk to people only through the core."""
