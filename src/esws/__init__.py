"""esws: an ESWS-compatible sync-token service and sync console for access-control terminals."""
