"""Use cases as keyword-only functions over a Session. Each does one thing in one transaction
and appends its AuditEvent there; the caller owns the transaction (see db.write_session)."""
