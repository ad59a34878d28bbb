"""What every app of the site shares: problem documents and the errors behind them, the store
handle, shared form pieces and GeoJSON. Apps import from here, not from each other."""
