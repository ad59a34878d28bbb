"""The monitor: maps, tables and figures of gemeenten, wijken and buurten from the store."""
