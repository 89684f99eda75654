"""The yardstick: a bare python-telegram-bot echo bot, `python -m rondetafel.bench.echo_bot`.

One Application, one MessageHandler, python-telegram-bot's defaults (one
update at a time, no rate limiter): what any bot on this library costs at
least. Reads BOT_TOKEN and TELEGRAM_API_URL, like the real bot.
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

# rondetafel.cli's format, copied: importing that module would bring parts of the
# real bot into the yardstick.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text)


def main() -> None:
    # The real bot's log format, so the bench counts the errors of both alike.
    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    application = (
        Application.builder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org/bot"))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling()


if __name__ == "__main__":
    main()
