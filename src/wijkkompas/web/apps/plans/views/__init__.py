"""The plans pages; each view names its permission (see accounts.permissions)."""
