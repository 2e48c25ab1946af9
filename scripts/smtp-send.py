#!/usr/bin/env python3
"""Send one email to Throughline's SMTP server with Python's smtplib.

    python3 scripts/smtp-send.py HOST PORT FROM TO [TO ...] [--eml FILE]
                                 [--subject S] [--body B] [--header "Name: value"]
                                 [--message-id ID] [--starttls]

With --eml the file is sent byte for byte; otherwise a plain UTF-8 message is
generated from --subject/--body/--header. Prints one JSON line:
    {"ok": true, "code": 250, "message": "..."}
    {"ok": false, "code": 550, "message": "5.1.1 No such mailbox", "stage": "rcpt"}
and exits 0 when the message was accepted, 2 when the server refused it, 1 on
connection problems.
"""
import argparse
import json
import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


def build_message(args):
    msg = EmailMessage()
    msg["From"] = args.sender
    msg["To"] = ", ".join(args.to)
    msg["Subject"] = args.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = args.message_id or make_msgid(domain=args.sender.split("@")[-1].strip(">") or "localhost")
    for h in args.header:
        name, _, value = h.partition(":")
        msg[name.strip()] = value.strip()
    msg.set_content(args.body)
    return msg.as_bytes()


def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b)


def main():
    p = argparse.ArgumentParser(description="Send an email over SMTP with smtplib.")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("sender")
    p.add_argument("to", nargs="+")
    p.add_argument("--eml", help="raw RFC 5322 file to send as is")
    p.add_argument("--subject", default="Hello from smtplib")
    p.add_argument("--body", default="Sent by scripts/smtp-send.py")
    p.add_argument("--header", action="append", default=[], help='extra header, "Name: value" (repeatable)')
    p.add_argument("--message-id", help="Message-ID for the generated message")
    p.add_argument("--starttls", action="store_true", help="upgrade with STARTTLS (certificate not verified)")
    p.add_argument("--timeout", type=float, default=30)
    args = p.parse_args()

    data = open(args.eml, "rb").read() if args.eml else build_message(args)
    result = {"ok": False}
    try:
        with smtplib.SMTP(args.host, args.port, timeout=args.timeout) as smtp:
            smtp.ehlo("smtp-send.local")
            if args.starttls:
                import ssl

                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                smtp.starttls(context=ctx)
                smtp.ehlo("smtp-send.local")
            # sendmail() does MAIL/RCPT/DATA; the SIZE parameter is sent when advertised.
            options = ["SIZE=%d" % len(data)] if smtp.has_extn("size") else []
            code, resp = smtp.mail(args.sender, options)
            if code != 250:
                result = {"ok": False, "code": code, "message": text(resp), "stage": "mail"}
                raise StopIteration
            for rcpt in args.to:
                code, resp = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    result = {"ok": False, "code": code, "message": text(resp), "stage": "rcpt", "recipient": rcpt}
                    raise StopIteration
            code, resp = smtp.data(data)
            if code != 250:
                result = {"ok": False, "code": code, "message": text(resp), "stage": "data"}
            else:
                result = {"ok": True, "code": code, "message": text(resp)}
    except StopIteration:
        pass
    except smtplib.SMTPResponseException as e:
        result = {"ok": False, "code": e.smtp_code, "message": text(e.smtp_error), "stage": "data"}
    except (OSError, smtplib.SMTPException) as e:
        print(json.dumps({"ok": False, "code": None, "message": str(e), "stage": "connect"}))
        return 1
    print(json.dumps(result))
    return 0 if result.get("ok") else 2


if __name__ == "__main__":
    sys.exit(main())
