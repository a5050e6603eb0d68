"""The services catalogue of a territory and its barrier taxonomy."""
