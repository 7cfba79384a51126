"""Course files (one YAML per course), read by training.catalog through importlib.resources."""
