"""``python -m fieldapp.live [--bind HOST:PORT]``: the live process (see ``fieldapp.live.server``)."""

import argparse
import logging
import os

from aiohttp import web

from fieldapp.app import create_app  # the process's entry point assembles the app (setup.cfg: ignore_imports)
from fieldapp.live.server import create_server


def main():
    parser = argparse.ArgumentParser(description="fieldapp's live process: GET /events for many devices.")
    parser.add_argument("--bind", default=os.environ.get("LIVE_BIND", "0.0.0.0:" + os.environ.get("LIVE_PORT", "8001")))
    args = parser.parse_args()
    host, _, port = args.bind.rpartition(":")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s live %(levelname)s %(message)s")
    web.run_app(create_server(create_app()), host=host or None, port=int(port), access_log=None,
                shutdown_timeout=5, print=lambda text: logging.info(text))


if __name__ == "__main__":
    main()
