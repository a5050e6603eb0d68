"""Retention of participants' data: withdrawal that erases, the purge after a retention period, erasure and export."""
