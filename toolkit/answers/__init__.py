"""What the bodies recommendations are addressed to read: the issued recommendations addressed to their
organisation, and their letters."""
