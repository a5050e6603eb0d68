"""Translating what people write: translations as records beside the original, a translators' queue, and
optional machine drafts that a person reviews before anyone relies on them."""
