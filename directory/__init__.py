"""The network's resource directory: HSDS tables, places, search, import and export."""
