"""`rondetafel bench`: the project's own benchmark.

Many meetings at once on the Bot API stand-in over real HTTP, played by
people who answer as soon as they are asked, and the same load on a bare
python-telegram-bot echo bot for comparison. Each bot runs in a process of its
own, so its memory, CPU and start-up are its own. See docs/benchmarks.md.
"""
