"""The analyst's data page: import files from the browser, score, and compare with the outside."""
