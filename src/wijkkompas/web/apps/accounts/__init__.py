"""Accounts: people, organisations, roles and the one permission module every view goes through."""
