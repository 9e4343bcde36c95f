"""A small Server-Sent Events reader over an aiohttp response, for the live tests."""

import asyncio
import json


class Stream:
    def __init__(self, response):
        self.response, self.buffer = response, b""

    async def frame(self, timeout=5.0):
        """The next (event, id, data) frame, skipping comments; None when the server closed it."""
        while True:
            while b"\n\n" not in self.buffer:
                try:
                    chunk = await asyncio.wait_for(self.response.content.readany(), timeout)
                except ConnectionError:
                    return None
                if not chunk:
                    return None
                self.buffer += chunk
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.decode().splitlines()
                          if ": " in line and not line.startswith(":"))
            if fields:
                data = json.loads(fields["data"]) if "data" in fields else None
                return fields.get("event"), fields.get("id"), data

    async def calls(self, count, timeout=5.0):
        found = []
        while len(found) < count:
            frame = await self.frame(timeout)
            if frame is None:
                break
            if frame[0] == "call":
                found.append(frame)
        return found
