"""A TCP proxy in front of a PostgreSQL server that can lose a COMMIT's connection: after
the server committed (its reply is swallowed and both ends closed: the acknowledgement is
lost) or before (the COMMIT is never forwarded: the server rolls back). For tests, and by
hand: `python -m tests.attack.pg_commit_proxy HOST PORT --cut N --mode after|before` listens
on a free port (printed) and cuts the Nth COMMIT it sees."""

from __future__ import annotations

import argparse
import contextlib
import socket
import threading

# A simple-protocol Query message holding COMMIT, as libpq sends a transaction's commit.
COMMIT = b"Q\x00\x00\x00\x0bCOMMIT\x00"


class CommitProxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.commits = 0
        self.cut_at: int | None = None  # the number of the COMMIT to cut
        self.mode = "after"
        self.cut = threading.Event()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, mode: str, nth: int = 1) -> None:
        """Cut the nth COMMIT from now: 'after' the server committed it, or 'before'."""
        with self._lock:
            self.mode, self.cut_at = mode, self.commits + nth
            self.cut.clear()

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            swallow = threading.Event()
            threading.Thread(target=self._up, args=(client, server, swallow), daemon=True).start()
            threading.Thread(target=self._down, args=(server, client, swallow), daemon=True).start()

    def _up(self, client: socket.socket, server: socket.socket, swallow: threading.Event) -> None:
        try:
            while data := client.recv(65536):
                if COMMIT in data:
                    with self._lock:
                        self.commits += 1
                        cut = self.commits == self.cut_at
                    if cut and self.mode == "before":
                        self.cut.set()
                        break
                    if cut:
                        swallow.set()  # before the server can answer
                server.sendall(data)
        except OSError:
            pass
        _close(client, server)

    def _down(self, server: socket.socket, client: socket.socket, swallow: threading.Event) -> None:
        try:
            while data := server.recv(65536):
                if swallow.is_set():  # the server's answer to the COMMIT: it committed
                    self.cut.set()
                    break
                client.sendall(data)
        except OSError:
            pass
        _close(client, server)


def _close(*sockets: socket.socket) -> None:
    for s in sockets:
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            s.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--cut", type=int, required=True, help="cut the Nth COMMIT")
    parser.add_argument("--mode", choices=["after", "before"], default="after")
    args = parser.parse_args()
    proxy = CommitProxy(args.host, args.port)
    proxy.arm(args.mode, args.cut)
    print(proxy.port, flush=True)
    proxy.cut.wait()
    print(f"cut COMMIT {args.cut} ({args.mode} the server got it)", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
