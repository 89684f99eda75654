"""sendDocument uploads, and getFile / the file URL handing the bytes back."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

REPORT = "<html><body><h1>Verslag</h1><p>Afspraken…</p></body></html>".encode()


async def test_a_document_round_trips_with_name_type_bytes_and_caption(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_document(
        group.id,
        REPORT,
        filename="verslag-2b.html",
        caption="<b>Verslag</b> van vandaag",
        parse_mode="HTML",
        protect_content=True,
    )
    assert sent.document.file_name == "verslag-2b.html"
    assert sent.document.mime_type == "text/html"
    assert sent.document.file_size == len(REPORT)
    assert sent.caption == "Verslag van vandaag"
    assert sent.caption_entities[0].type == "bold"
    (document,) = standin.documents(group)
    assert (document.filename, document.mime_type, document.data) == (
        "verslag-2b.html",
        "text/html",
        REPORT,
    )
    assert (document.caption, document.message_id) == ("Verslag van vandaag", sent.message_id)


async def test_the_bot_can_download_what_was_sent(bot: telegram.Bot, group: SimChat) -> None:
    sent = await bot.send_document(group.id, REPORT, filename="verslag.html")
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == REPORT


async def test_a_known_file_id_can_be_sent_again(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    first = await bot.send_document(group.id, REPORT, filename="verslag.html")
    again = await bot.send_document(group.id, first.document.file_id)
    assert again.document.file_id == first.document.file_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(group.id, "no-such-file-id")


async def test_an_empty_file_is_refused(bot: telegram.Bot, group: SimChat) -> None:
    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await bot.send_document(group.id, b"", filename="leeg.txt")


async def test_photos_people_send_can_be_fetched(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    await standin.start_private_chat(anna)
    photo = await standin.send_photo(anna, standin.private_chat(anna), caption="bord")
    file = await bot.get_file(photo["photo"][-1]["file_id"])
    assert bytes(await file.download_as_bytearray()).startswith(b"\x89PNG")


async def test_a_document_is_announced_to_listeners_as_such(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    seen: list[str] = []
    standin.add_listener(lambda kind, chat, message: seen.append(kind))
    await bot.send_document(group.id, REPORT, filename="verslag.html")
    await bot.send_message(group.id, "tekst")
    assert seen == ["document", "sent"]


async def test_uploads_larger_than_a_megabyte_are_accepted(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    payload = bytes(range(256)) * 8192  # 2 MiB
    await bot.send_document(group.id, payload, filename="bijlage.bin")
    assert standin.documents(group)[-1].data == payload
