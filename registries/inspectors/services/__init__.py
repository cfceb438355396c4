"""Every write to the inspector registry: `inspectors` (inspectors and experts) and `recusals`
(declarations, decisions, the automatic rules)."""
