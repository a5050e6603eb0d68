"""Sending e-mail through the SMTP server in the settings.

When no server is configured the message is not sent and :func:`send_mail` says so, so that the caller can show
the link to the person who asked for it (a coordinator inviting a colleague, for example).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str, *, language: str | None = None) -> bool:
    """Send a plain-text message (in ``language``, said in its Content-Language header); return False when no
    SMTP server is configured."""
    config = current_app.config
    if not mail_configured():
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if language:  # after the content: setting it clears the Content-* headers
        message["Content-Language"] = language
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return True
