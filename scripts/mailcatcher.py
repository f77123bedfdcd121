"""The dev stack's SMTP catcher: accepts every message and writes it as one .eml file.

    python scripts/mailcatcher.py --host 127.0.0.1 --port 18425 --dir var/demo/mail

Each message lands as <dir>/<UTC time>-<sequence>.eml, written to a temporary name and renamed,
so a reader never sees half a message. The envelope goes in X-Envelope-From/X-Envelope-To
headers at the top. Nothing is ever relayed. Runs until SIGTERM or SIGINT.
"""

import argparse
import asyncio
import itertools
import os
import signal
import time

from aiosmtpd.smtp import SMTP


class FileHandler:
    """aiosmtpd handler: one file per message, atomically."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.sequence = itertools.count(1)
        os.makedirs(directory, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        name = f"{stamp}-{os.getpid()}-{next(self.sequence):05d}.eml"
        head = (
            f"X-Envelope-From: {envelope.mail_from}\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        body = envelope.original_content or envelope.content
        if isinstance(body, str):
            body = body.encode()
        tmp = os.path.join(self.directory, f".{name}.tmp")
        with open(tmp, "wb") as f:
            f.write(head + body)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.directory, name))
        print(f"caught {name} from {envelope.mail_from} to {envelope.rcpt_tos}", flush=True)
        return "250 Message accepted for delivery"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()

    handler = FileHandler(args.dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="corkboard-mailcatcher"),
                                      args.host, args.port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"mailcatcher listening on {args.host}:{args.port}, writing to {args.dir}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
