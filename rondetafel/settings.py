"""The one settings object, read from environment variables (or a .env file)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from rondetafel.flows.holidays import Region
from rondetafel.flows.school_calendar import SchoolCalendar, parse_quiet_hours
from rondetafel.storage.crypto import NotAKey, parse_key

# Real tokens are `<bot id>:<35 characters>`; the lower bound of 20 leaves room
# for the demo's and the tests' made-up tokens, which Telegram never sees.
TOKEN_PATTERN = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{20,}")

# The engine is asynchronous, so a URL without a driver (what hosting panels
# and most tutorials hand out) gets the async driver for its database.
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
URL_EXAMPLES = "sqlite+aiosqlite:///rondetafel.db or postgresql+asyncpg://user@host/db"

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Never repeats the key, even a mistyped one: it is a secret.
KEY_FORMAT = "it should be 32 random bytes in base64 (44 characters), as `rondetafel keygen` prints"


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
    chat_messages_per_second: float = Field(
        default=1.0,
        gt=0,
        description="Telegram's pace within one chat (short bursts of 3 allowed).",
    )
    messages_per_second: int = Field(
        default=25, description="Overall sends per second: under Telegram's ~30, to leave headroom."
    )
    meeting_expiry_days: int = Field(
        default=14,
        ge=1,
        description=(
            "Close a meeting with no activity for this many days, so a group is never stuck."
        ),
    )
    pupil_consent_age: int = Field(
        default=16,
        ge=12,
        le=18,
        description="From this age the pupil, not the parents, agrees to an external professional.",
    )
    retention_months: int = Field(
        default=24,
        ge=1,
        description=(
            "Erase a closed case this many months after closing, and an open one this long"
            " after its last meeting (NL norm: two years after the pupil left)."
        ),
    )
    school_region: Region = Field(
        default=Region.MIDDLE,
        description=(
            "Whose school holidays apply: north, middle or south (the Netherlands), or flanders."
        ),
    )
    quiet_hours: str = Field(
        default="18:00-08:00",
        description="No reminders between these times (HH:MM-HH:MM, the school's time zone).",
    )
    reminders_at: dt.time = Field(
        default=dt.time(8, 30), description="The time of day reminders are sent (HH:MM)."
    )
    remind_days_before: int = Field(
        default=2,
        ge=0,
        le=10,
        description="School days before an agreement's date that its owner is reminded.",
    )
    reminders_at_weekends: bool = Field(
        default=False, description="Send reminders on Saturdays and Sundays too."
    )
    reminders_in_holidays: bool = Field(
        default=False, description="Send reminders in the school holidays too."
    )
    reminders_per_minute: int = Field(
        default=600,
        ge=1,
        description=(
            "How many reminders the bot hands to the sender per minute: a burst (all due at"
            " 08:30) spreads out and leaves room under MESSAGES_PER_SECOND for the meetings."
        ),
    )
    heartbeat_file: Path | None = Field(
        default=None,
        description="Touched every 30 s while `run` works; `rondetafel health` checks it.",
    )
    log_level: str = Field(default="INFO")
    demo_dir: Path = Field(
        default=Path("rondetafel-demo"), description="Where `rondetafel demo` writes its files."
    )
    encryption_key: SecretStr | None = Field(
        default=None,
        description="The key free text is stored encrypted with (base64 of 32 bytes).",
    )
    encryption_key_file: Path | None = Field(
        default=None, description="A file holding the key instead, kept outside the database."
    )
    encryption_old_keys: SecretStr | None = Field(
        default=None,
        description="Earlier keys, comma-separated: read, never written (during `rotate-key`).",
    )
    allow_unencrypted: bool = Field(
        default=False,
        description="Let `run` store free text unencrypted without a key. Never in production.",
    )

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token_looks_like_botfathers(cls, value: object) -> object:
        token = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(token, str):
            return value
        # Pasting from a chat easily brings a space or a line break along.
        token = token.strip()
        if not token:
            return None  # `BOT_TOKEN=` in a .env template means "not set yet"
        if not TOKEN_PATTERN.fullmatch(token):
            # The message never repeats the value: it is a secret, even when mistyped.
            raise ValueError(
                "it should look like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11 (the bot's number,"
                " a colon, then letters, digits, - and _), exactly as BotFather gave it"
            )
        return token

    @field_validator("encryption_key", "encryption_old_keys", mode="before")
    @classmethod
    def _keys_look_like_keygens(cls, value: object) -> object:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(text, str):
            return value
        keys = [key for key in re.split(r"[,\s]+", text) if key]
        if not keys:
            return None  # `ENCRYPTION_KEY=` in a .env template means "not set yet"
        for key in keys:
            try:
                parse_key(key)
            except NotAKey:
                raise ValueError(KEY_FORMAT) from None
        return ",".join(keys)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        scheme, separator, rest = value.strip().partition("://")
        if not separator:
            raise ValueError(f"expected a URL like {URL_EXAMPLES}")
        url = f"{ASYNC_DRIVERS.get(scheme.lower(), scheme)}://{rest}"
        try:
            driver = make_url(url).drivername
        except ArgumentError:
            raise ValueError(f"expected a URL like {URL_EXAMPLES}") from None
        if driver not in SUPPORTED_DRIVERS:
            raise ValueError(f"{driver} is not supported; use {URL_EXAMPLES}")
        return url

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        name = value.strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):  # ValueError: not even a name, e.g. "../x"
            raise ValueError(
                f"{name!r} is not a time zone name; use one like Europe/Amsterdam"
            ) from None
        return name

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_parse(cls, value: str) -> str:
        parse_quiet_hours(value)  # raises ValueError with what is wrong
        return value.strip()

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            choices = f"{', '.join(LOG_LEVELS[:-1])} or {LOG_LEVELS[-1]}"
            raise ValueError(f"{value!r} is not a log level; use {choices}")
        return level

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def calendar(self) -> SchoolCalendar:
        """When reminders may go: the region's holidays, quiet hours, weekends."""
        quiet_from, quiet_until = parse_quiet_hours(self.quiet_hours)
        return SchoolCalendar(
            self.school_region,
            quiet_from=quiet_from,
            quiet_until=quiet_until,
            weekends=self.reminders_at_weekends,
            in_holidays=self.reminders_in_holidays,
        )
