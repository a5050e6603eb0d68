"""A participant's own contributions after the fact: "mine", the return code, withdrawing and erasing."""
