"""What simulated people do in their chats, and what Telegram makes of it.

Every action stores messages as Telegram would and queues exactly the updates
the bot would receive. Mistakes in a test script (a person writing in a group
they are not in, pressing a button that is not there) raise ValueError at
once instead of silently doing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .common import JsonDict, utf16_len
from .formatting import MAX_TEXT_LENGTH, format_text, text_fields
from .markup import callback_data_of
from .members import member_object, push_my_chat_member
from .state import CallbackRecord, SimChat, SimUser, StoredMessage, World
from .topics import MAX_TOPIC_NAME_LENGTH, Placement, new_topic_fields, place

# Ids beyond 32 bits, like real ones, so int32 mistakes show up in tests.
USER_ID_BASE = 6_100_000_000
GROUP_ID_BASE = 4_800_000_000
SUPERGROUP_ID_BASE = 1_002_400_000_000
START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# What `from` shows for anything an anonymous group admin posts; the group itself
# appears as `sender_chat`.
GROUP_ANONYMOUS_BOT = SimUser(
    id=1087968824, first_name="Group", username="GroupAnonymousBot", is_bot=True
)
# A 1×1 transparent PNG: photos need real bytes behind getFile.
_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8ffff3f0005fe02fea7d6a4b00000000049454e44ae426082"
)


class Simulation:
    """People, groups and their actions; mixed into BotApiStandIn."""

    world: World

    # -- people and chats -------------------------------------------------

    def add_user(
        self,
        first_name: str,
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> SimUser:
        user = SimUser(
            id=USER_ID_BASE + self.world.serial(),
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        user._block_hook = self._set_blocked
        self.world.users[user.id] = user
        return user

    def create_group(
        self,
        title: str,
        members: Sequence[SimUser] = (),
        *,
        supergroup: bool = False,
        forum: bool = False,
        admins: Sequence[SimUser] = (),
    ) -> SimChat:
        """A group without the bot; the first member is its creator.

        A forum (a supergroup with topics) starts with only its General topic;
        open more with create_topic.
        """
        if any(admin not in members for admin in admins):
            raise ValueError("admins must also be members")
        supergroup = supergroup or forum  # only supergroups can have topics
        number = self.world.serial()
        chat = SimChat(
            id=-(SUPERGROUP_ID_BASE + number) if supergroup else -(GROUP_ID_BASE + number),
            type="supergroup" if supergroup else "group",
            title=title,
            members=list(members),
            admin_ids={admin.id for admin in admins},
            creator_id=members[0].id if members else None,
            is_forum=forum,
        )
        if forum:
            # On Telegram a forum's message 1 opened the chat, and id 1 stands for the
            # General topic; counting from 2 keeps every created topic off that id.
            chat.next_message_id = 2
        self.world.chats[chat.id] = chat
        return chat

    async def create_topic(self, group: SimChat, name: str, by: SimUser) -> int:
        """A member opens a forum topic; returns its thread id.

        The topic is the thread of the `forum_topic_created` service message this
        posts, so its thread id is that message's id.
        """
        self._require_member(by, group)
        if not group.is_forum:
            raise ValueError(f"{group.title!r} is not a forum; create_group(..., forum=True)")
        if not 1 <= len(name) <= MAX_TOPIC_NAME_LENGTH:
            raise ValueError(f"a topic name is 1-{MAX_TOPIC_NAME_LENGTH} characters")
        thread_id = group.next_message_id  # the id the service message is about to get
        group.topics[thread_id] = name
        self._person_posts(group, by, new_topic_fields(thread_id, name))
        return thread_id

    def private_chat(self, user: SimUser) -> SimChat:
        return self.world.private_chat(user)

    # -- the bot's membership ---------------------------------------------

    async def add_bot_to_group(
        self, group: SimChat, by: SimUser, *, as_admin: bool = False
    ) -> None:
        self._require_member(by, group)
        if group.bot_status in ("member", "administrator"):
            raise ValueError(f"the bot is already in {group.title!r}")
        old = "kicked" if group.bot_status == "kicked" and group.type == "supergroup" else "left"
        group.bot_status = "administrator" if as_admin else "member"
        push_my_chat_member(self.world, group, by, old, group.bot_status)
        self._person_posts(group, by, {"new_chat_members": [self.world.bot.to_api()]})

    async def remove_bot_from_group(self, group: SimChat, by: SimUser) -> None:
        self._require_member(by, group)
        if group.bot_status not in ("member", "administrator"):
            raise ValueError(f"the bot is not in {group.title!r}")
        old = group.bot_status
        group.bot_status = "kicked"
        # A basic group has no ban list: a removed member is simply "left" there.
        new = "kicked" if group.type == "supergroup" else "left"
        push_my_chat_member(self.world, group, by, old, new)
        self._person_posts(group, by, {"left_chat_member": self.world.bot.to_api()})

    def block_bot(self, user: SimUser) -> None:
        self._set_blocked(user, True)

    def unblock_bot(self, user: SimUser) -> None:
        self._set_blocked(user, False)

    def _set_blocked(self, user: SimUser, blocked: bool) -> None:
        chat = self.world.private_chat(user)
        if user.blocked_bot == blocked:
            return
        user.blocked_bot = blocked
        old = "member" if chat.bot_status == "none" else chat.bot_status
        chat.bot_status = "kicked" if blocked else "member"
        push_my_chat_member(self.world, chat, user, old, chat.bot_status)
        self.world.changed()

    # -- group membership and settings ------------------------------------

    async def add_member(
        self, group: SimChat, user: SimUser, by: SimUser | None = None
    ) -> JsonDict:
        if group.has_member(user):
            raise ValueError(f"{user.first_name} is already in {group.title!r}")
        if by is not None:
            self._require_member(by, group)
        group.members.append(user)
        self._chat_member_update(group, by or user, user, "left", "member")
        return self._person_posts(group, by or user, {"new_chat_members": [user.to_api()]})

    async def remove_member(
        self, group: SimChat, user: SimUser, by: SimUser | None = None
    ) -> JsonDict:
        self._require_member(user, group)
        group.members.remove(user)
        group.admin_ids.discard(user.id)
        self._chat_member_update(group, by or user, user, "member", "left")
        return self._person_posts(group, by or user, {"left_chat_member": user.to_api()})

    async def rename_group(self, group: SimChat, title: str, by: SimUser) -> JsonDict:
        self._require_member(by, group)
        group.title = title
        return self._person_posts(group, by, {"new_chat_title": title})

    async def upgrade_to_supergroup(self, group: SimChat, by: SimUser | None = None) -> SimChat:
        """Turn a basic group into a supergroup with a new id; returns the new chat."""
        if group.type != "group" or group.migrated_to is not None:
            raise ValueError("only a basic group that was not upgraded yet can be upgraded")
        actor = by or next((m for m in group.members if m.id == group.creator_id), None)
        if actor is None:
            raise ValueError("say who upgrades the group (by=...)")
        supergroup = SimChat(
            id=-(SUPERGROUP_ID_BASE + self.world.serial()),
            type="supergroup",
            title=group.title,
            members=list(group.members),
            admin_ids=set(group.admin_ids),
            creator_id=group.creator_id,
            bot_status=group.bot_status,
            migrated_from=group.id,
        )
        self.world.chats[supergroup.id] = supergroup
        self._person_posts(group, actor, {"migrate_to_chat_id": supergroup.id})
        group.migrated_to = supergroup
        self._person_posts(supergroup, actor, {"migrate_from_chat_id": group.id})
        return supergroup

    async def sim_other_bot_posts(self, chat: SimChat, text: str = "Beep.") -> JsonDict:
        """Another bot speaks in the group: bare /commands stop reaching our bot."""
        other = self._other_bot()
        message = self.world.post(chat, other, {"text": text})
        chat.last_bot_poster = other.id
        self.world.emit("user_message", chat, message)
        return message.public()

    # -- messages ---------------------------------------------------------

    async def start_private_chat(self, user: SimUser, payload: str | None = None) -> JsonDict:
        """The person taps Start (after a deep link with `payload`, if given)."""
        if payload is not None and not START_PAYLOAD.match(payload):
            raise ValueError("a start payload is 1-64 characters of A-Z, a-z, 0-9, _ and -")
        if user.blocked_bot:
            self._set_blocked(user, False)  # the "Restart" button unblocks first
        chat = self.world.private_chat(user)
        text = "/start" if payload is None else f"/start {payload}"
        return await self.send_message(user, chat, text)

    async def send_message(
        self,
        user: SimUser,
        chat: SimChat,
        text: str,
        reply_to: int | None = None,
        *,
        thread_id: int | None = None,
        anonymous: bool = False,
    ) -> JsonDict:
        """The person writes a text; into forum topic `thread_id`, or as an anonymous admin.

        A reply to a message in a topic lands in that topic without `thread_id`.
        """
        self._require_can_write(user, chat, starting=text.startswith("/start"))
        formatted = format_text(text, None, None, self.world.user_api)
        if not formatted.text:
            raise ValueError("Telegram does not send an empty message")
        if utf16_len(formatted.text) > MAX_TEXT_LENGTH:
            raise ValueError("Telegram clients split texts over 4096 UTF-16 units")
        where = self._placement(user, chat, reply_to, thread_id, anonymous)
        if chat.user is not None and text.startswith("/start") and not user.started_bot:
            user.started_bot = True
            chat.bot_status = "member"
        fields = text_fields(formatted) | where.fields
        return self._person_posts(chat, user, fields, where.reply_to, anonymous=anonymous)

    async def edit_message(
        self, user: SimUser, chat: SimChat, message_id: int, text: str
    ) -> JsonDict:
        """The person edits their text; thread, reply and sender stay as they were."""
        message = chat.messages.get(message_id)
        if message is None or message.written_by != user.id or "text" not in message.data:
            raise ValueError(f"{user.first_name} has no text message {message_id} in this chat")
        formatted = format_text(text, None, None, self.world.user_api)
        if not formatted.text:
            raise ValueError("Telegram does not allow editing a message to empty text")
        message.data.pop("entities", None)
        message.data.update(text_fields(formatted))
        message.data["edit_date"] = self.world.now()
        # Only an edit of a message the bot saw reaches it.
        if message.delivered and chat.bot_status in ("member", "administrator"):
            self.world.push_update("edited_message", message.api())
        self.world.emit("edited", chat, message)
        return message.public()

    async def send_photo(
        self,
        user: SimUser,
        chat: SimChat,
        caption: str | None = None,
        reply_to: int | None = None,
        *,
        thread_id: int | None = None,
        anonymous: bool = False,
    ) -> JsonDict:
        sizes = []
        for side in (90, 320):
            stored = self.world.store_file(
                _PIXEL_PNG, folder="photos", filename="photo.png", mime_type="image/png"
            )
            size = _file_fields(stored.file_id, stored.file_unique_id, stored.data)
            sizes.append(size | {"width": side, "height": side})
        return await self._send_media(
            user, chat, {"photo": sizes}, caption, reply_to, thread_id, anonymous
        )

    async def send_sticker(
        self,
        user: SimUser,
        chat: SimChat,
        reply_to: int | None = None,
        emoji: str = "👍",
        *,
        thread_id: int | None = None,
        anonymous: bool = False,
    ) -> JsonDict:
        stored = self.world.store_file(
            b"RIFF\0\0\0\0WEBP", folder="stickers", filename="sticker.webp", mime_type="image/webp"
        )
        sticker = _file_fields(stored.file_id, stored.file_unique_id, stored.data) | {
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._send_media(
            user, chat, {"sticker": sticker}, None, reply_to, thread_id, anonymous
        )

    async def send_voice(
        self,
        user: SimUser,
        chat: SimChat,
        duration: int = 3,
        reply_to: int | None = None,
        *,
        thread_id: int | None = None,
        anonymous: bool = False,
    ) -> JsonDict:
        stored = self.world.store_file(
            b"OggS" + bytes(60), folder="voice", filename="voice.ogg", mime_type="audio/ogg"
        )
        voice = _file_fields(stored.file_id, stored.file_unique_id, stored.data) | {
            "duration": duration,
            "mime_type": "audio/ogg",
        }
        return await self._send_media(
            user, chat, {"voice": voice}, None, reply_to, thread_id, anonymous
        )

    async def send_document(
        self,
        user: SimUser,
        chat: SimChat,
        filename: str,
        data: bytes,
        *,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
        anonymous: bool = False,
    ) -> JsonDict:
        stored = self.world.store_file(
            data, folder="documents", filename=filename, mime_type=mime_type
        )
        document = _file_fields(stored.file_id, stored.file_unique_id, data) | {
            "file_name": filename,
            "mime_type": mime_type,
        }
        return await self._send_media(
            user, chat, {"document": document}, caption, reply_to, thread_id, anonymous
        )

    async def press_button(self, user: SimUser, chat: SimChat, message_id: int, data: str) -> str:
        """Tap an inline button; returns the callback query id the bot must answer."""
        self._require_member(user, chat)
        message = chat.messages.get(message_id)
        if message is None or not message.by_bot:
            raise ValueError(f"there is no bot message {message_id} in this chat")
        available = callback_data_of(message.data.get("reply_markup"))
        if data not in available:
            raise ValueError(
                f"message {message_id} has no button with callback_data {data!r}; "
                f"its buttons carry {available!r}"
            )
        query_id = str(4_000_000_000_000_000_000 + self.world.serial())
        self.world.callbacks[query_id] = CallbackRecord(
            query_id, user, chat, message_id, data, pressed_at=self.world.clock()
        )
        self.world.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": user.to_api(),
                "message": message.api(),
                "chat_instance": str(abs(chat.id) * 7919 % 2**62),
                "data": data,
            },
        )
        self.world.changed()
        return query_id

    # -- helpers ----------------------------------------------------------

    async def _send_media(
        self,
        user: SimUser,
        chat: SimChat,
        fields: JsonDict,
        caption: str | None,
        reply_to: int | None,
        thread_id: int | None,
        anonymous: bool,
    ) -> JsonDict:
        self._require_can_write(user, chat, starting=False)
        where = self._placement(user, chat, reply_to, thread_id, anonymous)
        if caption:
            fields |= text_fields(format_text(caption, None, None, self.world.user_api), "caption")
        fields |= where.fields
        return self._person_posts(chat, user, fields, where.reply_to, anonymous=anonymous)

    def _person_posts(
        self,
        chat: SimChat,
        user: SimUser,
        fields: JsonDict,
        reply_to: StoredMessage | None = None,
        *,
        anonymous: bool = False,
    ) -> JsonDict:
        if anonymous:
            # The group speaks instead of the person; only the stand-in remembers who.
            fields = fields | {"sender_chat": chat.to_api()}
            message = self.world.post(
                chat, GROUP_ANONYMOUS_BOT, fields, reply_to=reply_to, author_id=user.id
            )
        else:
            message = self.world.post(chat, user, fields, reply_to=reply_to)
        self.world.deliver(chat, message)
        self.world.emit("user_message", chat, message)
        return message.public()

    def _placement(
        self,
        user: SimUser,
        chat: SimChat,
        reply_to: int | None,
        thread_id: int | None,
        anonymous: bool,
    ) -> Placement:
        """Check where a person's message may go before anything changes."""
        if anonymous:
            self._require_admin(user, chat)
        if thread_id is not None and not chat.is_forum:
            raise ValueError(f"{chat.title or 'this chat'!r} is not a forum; it has no topics")
        # ThreadNotFound and ReplyInOtherThread are ValueErrors with a readable message.
        return place(chat, thread_id, self._reply_target(chat, reply_to))

    def _reply_target(self, chat: SimChat, reply_to: int | None) -> StoredMessage | None:
        if reply_to is None:
            return None
        original = chat.messages.get(reply_to)
        if original is None:
            raise ValueError(f"there is no message {reply_to} in this chat to reply to")
        return original

    def _require_member(self, user: SimUser, chat: SimChat) -> None:
        if chat.migrated_to is not None:
            raise ValueError("this group became a supergroup; use the chat that returned")
        if not chat.has_member(user):
            raise ValueError(f"{user.first_name} is not in {chat.title or 'this chat'!r}")

    def _require_admin(self, user: SimUser, chat: SimChat) -> None:
        # Telegram turns a basic group into a supergroup when an admin goes anonymous.
        if chat.type != "supergroup":
            raise ValueError("only supergroup admins can be anonymous (upgrade_to_supergroup)")
        if user.id not in chat.admin_ids and user.id != chat.creator_id:
            raise ValueError(f"{user.first_name} is not an admin of {chat.title!r}")

    def _require_can_write(self, user: SimUser, chat: SimChat, *, starting: bool) -> None:
        self._require_member(user, chat)
        if chat.user is None:
            return
        if user.blocked_bot:
            raise ValueError(f"{user.first_name} blocked the bot; unblock or start again first")
        if not user.started_bot and not starting:
            raise ValueError(f"{user.first_name} must press Start first (start_private_chat)")

    def _chat_member_update(
        self, group: SimChat, actor: SimUser, user: SimUser, old: str, new: str
    ) -> None:
        # Telegram reports other people's membership only to administrator bots.
        if group.bot_status != "administrator":
            return
        self.world.push_update(
            "chat_member",
            {
                "chat": group.to_api(),
                "from": actor.to_api(),
                "date": self.world.now(),
                "old_chat_member": member_object(user, old),
                "new_chat_member": member_object(user, new),
            },
        )

    def _other_bot(self) -> SimUser:
        existing = next((u for u in self.world.users.values() if u.is_bot), None)
        if existing is not None:
            return existing
        other = SimUser(
            id=USER_ID_BASE + self.world.serial(),
            first_name="Other Bot",
            username="OtherHelperBot",
            is_bot=True,
        )
        self.world.users[other.id] = other
        return other


def _file_fields(file_id: str, file_unique_id: str, data: bytes) -> JsonDict:
    return {"file_id": file_id, "file_unique_id": file_unique_id, "file_size": len(data)}
