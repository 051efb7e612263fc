"""`chalice local` with a listen backlog that holds concurrent people: `python -m tools.local.chalice_local
local --port ...` takes chalice's own arguments.

Python's socket servers, chalice local's among them, keep a backlog of 5 connections waiting to be
accepted; with 50 people at once (`make load`) on a loaded machine, the front server's connections
beyond it are refused and the portal answers 502. The backlog here is the system's maximum.
"""

import socket
import sys


def main() -> int:
    from chalice import local
    from chalice.cli import cli

    local.ThreadedHTTPServer.request_queue_size = socket.SOMAXCONN
    arguments = sys.argv[1:]
    # chalice's reloader (autoreload) starts the server again from sys.argv: through this module too.
    sys.argv = [sys.executable, "-m", "tools.local.chalice_local", *arguments]
    return cli.main(args=arguments, obj={}, prog_name="chalice", standalone_mode=True)


if __name__ == "__main__":
    sys.exit(main())
