"""Platform adapters: each turns one platform's payloads into core events and core messages
into that platform's API calls. No business rules live here."""
