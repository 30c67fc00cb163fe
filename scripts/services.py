"""Is PostgreSQL (and Redis) answering? Exit 0 when every URL given answers within two seconds."""

import argparse
import socket
import sys
from urllib.parse import urlparse


def answers(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        try:
            import psycopg

            with psycopg.connect(
                host=parsed.hostname,
                port=parsed.port or 5432,
                user=parsed.username or "postgres",
                dbname=(parsed.path or "/postgres").lstrip("/") or "postgres",
                connect_timeout=2,
            ) as conn:
                conn.execute("SELECT 1")
            return True
        except Exception:  # noqa: BLE001
            return False
    if parsed.scheme.startswith("redis"):
        try:
            with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False
    raise SystemExit(f"unknown scheme in {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", nargs="+", required=True)
    args = parser.parse_args()
    down = [url for url in args.check if not answers(url)]
    for url in down:
        print(f"not answering: {url}", file=sys.stderr)
    return 1 if down else 0


if __name__ == "__main__":
    sys.exit(main())
