"""E-mail through the SMTP server the settings name (QADESK_SMTP_*): one message per call, plain text.

Nothing is sent when QADESK_SMTP_HOST is empty. Failures raise MailError with the server's answer
or the connection error, so the caller can record it and retry later; the password never appears
in an error.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from qa_app.services import ServiceError
from qa_app.settings import settings as instance_settings

TIMEOUT_SECONDS = 20


class MailError(ServiceError):
    """The SMTP server could not be reached or refused the message."""


def enabled() -> bool:
    """Whether e-mail is configured (an SMTP host is set)."""
    return bool(instance_settings().smtp_host)


def send(to: str, subject: str, body: str, to_name: str = "") -> None:
    """Send one plain-text message to `to`; MailError when it could not be handed over."""
    config = instance_settings()
    message = EmailMessage()
    message["From"] = config.smtp_sender
    message["To"] = formataddr((to_name, to)) if to_name else to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=config.smtp_sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(body)
    try:
        with _connect(config) as server:
            if config.smtp_user:
                server.login(config.smtp_user, config.smtp_password)
            server.send_message(message)
    except smtplib.SMTPException as exc:
        raise MailError(f"the SMTP server {config.smtp_host}:{config.smtp_port} refused the message: "
                        f"{_said(exc)}") from None
    except (OSError, socket.timeout) as exc:
        raise MailError(f"cannot reach the SMTP server {config.smtp_host}:{config.smtp_port}: "
                        f"{exc.strerror or exc}") from None


def _connect(config) -> smtplib.SMTP:
    if config.smtp_tls == "ssl":
        return smtplib.SMTP_SSL(config.smtp_host, config.smtp_port, timeout=TIMEOUT_SECONDS,
                                context=ssl.create_default_context())
    server = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=TIMEOUT_SECONDS)
    if config.smtp_tls == "starttls":
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server


def _said(exc: smtplib.SMTPException) -> str:
    """The server's answer without the credentials it was given."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{rcpt}: {code} {msg.decode('utf-8', 'replace')}" for rcpt, (code, msg) in exc.recipients.items())
    return type(exc).__name__
