"""Real servers the tests start as child processes on loopback (an S3 endpoint, Redis), and the environment
they run in."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def real_clock_env() -> dict:
    """The environment without libfaketime: the year-ahead run moves the suite's clock, not the servers' (a
    redis-server under a faked clock never answers in time)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKETIME")}
    preload = " ".join(p for p in env.get("LD_PRELOAD", "").split() if "faketime" not in p)
    if preload:
        env["LD_PRELOAD"] = preload
    else:
        env.pop("LD_PRELOAD", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    """moto's S3-compatible HTTP server in a process of its own: the project's S3 storage (django-storages,
    boto3) talks to it over HTTP exactly as to a real object store."""

    ACCESS_KEY, SECRET_KEY, REGION = "test-access-key", "test-secret-key", "ap-southeast-1"

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=real_clock_env(),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(self.url, timeout=1)
                return
            except requests.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError("moto's server exited") from None
                time.sleep(0.1)
        raise TimeoutError("moto's server did not answer")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=self.REGION,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
        )


REDIS_PORTS = range(6390, 6400)  # this suite's own ports, apart from the shared server's 6379
REDIS_DB = 5


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _wait_for(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError("condition not reached")


class RedisServer:
    """A real redis-server process on a loopback port; ``restart`` loses everything, as a crash would."""

    def __init__(self, port: int, workdir: Path):
        self.port, self.workdir, self.process = port, workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{REDIS_DB}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=real_clock_env(),
        )
        _wait_for(lambda: not port_free(self.port))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        _wait_for(lambda: port_free(self.port))

    def restart(self) -> None:
        self.stop()
        self.start()
