"""Everything residents and organisers change, each change in one transaction.

Views call these functions and never write models themselves; a service that finds a problem
raises ``InvalidInput`` (messages per field) before it writes anything.
"""
