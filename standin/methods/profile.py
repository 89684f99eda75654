"""The bot's own profile: getMe, its command lists, name and descriptions."""

from __future__ import annotations

import json
import re
from typing import Any

from ..common import JsonDict, utf16_len
from ..errors import bad_request
from ..params import Params
from ..state import World
from ._access import find_chat
from ._registry import api_method

SCOPE_TYPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
        "chat", "chat_administrators", "chat_member",
    }
)  # fmt: skip
COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
LANGUAGE = re.compile(r"^([a-z]{2})?$")
MAX_COMMANDS = 100
# setMyName etc.: the longest value Telegram accepts for each text.
PROFILE_TEXTS = {"name": 64, "description": 512, "short_description": 120}


@api_method("getMe")
async def get_me(world: World, params: Params) -> JsonDict:
    return world.bot.to_api() | {
        "can_join_groups": True,
        "can_read_all_group_messages": not world.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@api_method("logOut")
async def log_out(world: World, params: Params) -> bool:
    return True


@api_method("close")
async def close(world: World, params: Params) -> bool:
    return True


def scope_key(world: World, raw: Any) -> str:
    """A canonical text for a BotCommandScope, so equal scopes share one command list."""
    scope = {"type": "default"} if raw is None else raw
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    canonical: JsonDict = {"type": scope["type"]}
    if scope["type"] in ("chat", "chat_administrators", "chat_member"):
        canonical["chat_id"] = find_chat(world, Params(scope)).id
    if scope["type"] == "chat_member":
        user_id = Params(scope).integer("user_id")
        if user_id not in world.users:
            raise bad_request("user not found")
        canonical["user_id"] = user_id
    return json.dumps(canonical, sort_keys=True)


def language_key(params: Params) -> str:
    language = params.text("language_code") or ""
    if not LANGUAGE.match(language):
        raise bad_request("invalid language code specified")
    return language


@api_method("setMyCommands")
async def set_my_commands(world: World, params: Params) -> bool:
    commands = _checked_commands(params.json("commands"))
    key = (scope_key(world, params.json("scope")), language_key(params))
    if commands:
        world.commands[key] = commands
    else:
        world.commands.pop(key, None)
    world.changed()
    return True


@api_method("getMyCommands")
async def get_my_commands(world: World, params: Params) -> list[JsonDict]:
    key = (scope_key(world, params.json("scope")), language_key(params))
    return [dict(command) for command in world.commands.get(key, [])]


@api_method("deleteMyCommands")
async def delete_my_commands(world: World, params: Params) -> bool:
    key = (scope_key(world, params.json("scope")), language_key(params))
    world.commands.pop(key, None)
    world.changed()
    return True


def _checked_commands(raw: Any) -> list[JsonDict]:
    if not isinstance(raw, list):
        raise bad_request("can't parse commands JSON object")
    if len(raw) > MAX_COMMANDS:
        raise bad_request("too many commands specified")
    commands = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= utf16_len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": command, "description": description})
    return commands


def _profile_text_methods(field: str, limit: int) -> None:
    """Register setMy<Field> / getMy<Field>, stored per language like Telegram does."""
    suffix = "".join(part.capitalize() for part in field.split("_"))

    async def set_text(world: World, params: Params) -> bool:
        value = params.text(field) or ""
        if utf16_len(value) > limit:
            raise bad_request(f"{field.replace('_', ' ')} is too long")
        world.bot_texts[(field, language_key(params))] = value
        world.changed()
        return True

    async def get_text(world: World, params: Params) -> JsonDict:
        language = language_key(params)
        value = world.bot_texts.get((field, language), world.bot_texts.get((field, ""), ""))
        if field == "name" and not value:
            value = world.bot.first_name
        return {field: value}

    api_method(f"setMy{suffix}")(set_text)
    api_method(f"getMy{suffix}")(get_text)


for _field, _limit in PROFILE_TEXTS.items():
    _profile_text_methods(_field, _limit)
