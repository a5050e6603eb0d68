"""The audit log as people read it: who changed what, which record, when; participants are never named."""
