"""Small asyncio helpers shared by the background loops (relay, sweeper, consumers)."""
