"""Reports: the per-requirement roll-up and its renderings."""
