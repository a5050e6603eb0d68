"""People with an account: logging in, passwords, invitations and the roles they hold."""
