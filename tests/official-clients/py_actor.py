"""An Actor using the Python SDK, run by the emulator as a command."""
import asyncio, os
from apify import Actor, Webhook

async def main():
    async with Actor:
        data = await Actor.get_input()
        assert data == {"hello": "sdk"}, data
        await Actor.add_webhook(Webhook(event_types=["ACTOR.RUN.SUCCEEDED"], request_url=os.environ["RECEIVER"] + "/py-sdk",
                                        idempotency_key=os.environ["ACTOR_RUN_ID"]))

asyncio.run(main())
