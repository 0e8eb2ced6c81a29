"""Platform-neutral conversations: message types, router and one module per feature."""
