"""The one settings object, read from environment variables (or a .env file)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    bot_token: SecretStr | None = Field(
        default=None, description="The token BotFather gave you. Needed for `rondetafel run`."
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///rondetafel.db",
        description="sqlite+aiosqlite:///file.db (default) or postgresql+asyncpg://user@host/db.",
    )
    timezone: str = Field(default="Europe/Amsterdam", description="The school's time zone.")
    default_language: str = Field(default="nl", description="Language of a new chat: nl or en.")
    school_name: str = Field(default="School", description="The school this deployment serves.")
    allow_full_names: bool = Field(
        default=False,
        description="Accept a pupil's full name. Off: initials or a pseudonym only.",
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL (the demo points this at its local stand-in).",
    )
    telegram_file_url: str = Field(default="https://api.telegram.org/file/bot")
    group_messages_per_minute: int = Field(
        default=20, description="Telegram's limit for one group; the sender keeps under it."
    )
    messages_per_second: int = Field(
        default=25, description="Overall sends per second: under Telegram's ~30, to leave headroom."
    )
    log_level: str = Field(default="INFO")
    demo_dir: Path = Field(
        default=Path("rondetafel-demo"), description="Where `rondetafel demo` writes its files."
    )

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
