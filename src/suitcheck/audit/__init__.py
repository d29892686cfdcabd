"""The tamper-evident audit trail: hash chain, checkpoints, verification and exports."""
