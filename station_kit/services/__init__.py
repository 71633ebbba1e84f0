"""Use cases as keyword-only functions over one Scope (services/scope.py: the session, the person
working, the clock). Each does one thing in one transaction and appends its AuditEvent there; the
caller owns the transaction (the ui kit's context, the CLI's ``_scope``, the demo's ``demo_scope``)."""
