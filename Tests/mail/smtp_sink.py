"""A real SMTP server for the Swift tests (aiosmtpd), which writes down what arrives.

    smtp_sink.py --dir DIR [--port PORT] [--no-ehlo | --silent]

Listens on 127.0.0.1 (PORT, or a free one), then writes DIR/ready with the port. Each
accepted message becomes DIR/<n>.json: the envelope, the raw message, and the headers,
subject and body as Python's email package decodes them, so the test checks our encoding
against an independent reader. Recipients say how to answer: reject…@ gets 550 (refused
for good), tempfail…@ gets 451 (try later). --no-ehlo answers EHLO with 502, like a server
from before ESMTP; --silent accepts connections and never says a word (a hung server).
Exits when its parent (the test) is gone.
"""

import argparse
import asyncio
import email
import email.header
import email.policy
import json
import os
import pathlib

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory: pathlib.Path):
        self.directory = directory
        # A restarted sink (same folder) goes on numbering where the last one stopped.
        self.count = len(list(directory.glob("*.json")))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 No such mailbox here"
        if local.startswith("tempfail"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.count += 1
        record = {
            "helo": session.host_name,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "raw": raw.decode("ascii", errors="replace"),
            "headers": {name: str(value) for name, value in message.items()},
            "raw_subject": _raw_header(raw, "Subject"),
            "subject": str(message["Subject"]),
            "body": message.get_content(),
            "charset": message.get_content_charset(),
        }
        path = self.directory / f"{self.count:04d}.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        temporary.rename(path)
        return "250 2.0.0 Message accepted"


def _raw_header(raw: bytes, name: str) -> str:
    """The header as sent, unfolded but not decoded."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", errors="replace")
    unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ")
    for line in unfolded.split("\r\n"):
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return ""


class NoEhloSMTP(SMTP):
    async def smtp_EHLO(self, hostname):
        await self.push("502 5.5.2 Command not recognized")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-ehlo", action="store_true")
    parser.add_argument("--silent", action="store_true")
    arguments = parser.parse_args()
    directory = pathlib.Path(arguments.dir)
    directory.mkdir(parents=True, exist_ok=True)
    sink = Sink(directory)
    protocol = NoEhloSMTP if arguments.no_ehlo else SMTP
    loop = asyncio.get_running_loop()
    if arguments.silent:
        server = await loop.create_server(asyncio.Protocol, "127.0.0.1", arguments.port)
    else:
        server = await loop.create_server(lambda: protocol(sink, hostname="sink.test"), "127.0.0.1", arguments.port)
    port = server.sockets[0].getsockname()[1]
    (directory / "ready.tmp").write_text(str(port))
    (directory / "ready.tmp").rename(directory / "ready")
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(0.5)


if __name__ == "__main__":
    asyncio.run(main())
