"""What the monitor's pages and API read: saved runs, maps, search, navigation and the method,
each a function of the store (and the catalogue) and nothing else. Nothing here writes."""
