"""sendDocument and getFile: uploads in, the same bytes back out."""

from __future__ import annotations

from ..common import JsonDict
from ..errors import ApiError, bad_request
from ..formatting import text_fields
from ..markup import check_reply_markup
from ..params import Params, UploadedFile
from ..state import StoredFile, World
from ._access import writable_chat
from ._compose import (
    caption_text,
    count_outgoing,
    placement,
    post_from_bot,
    send_options,
)
from ._registry import api_method

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
WRONG_FILE = "wrong file identifier/HTTP URL specified"


def document_object(stored: StoredFile) -> JsonDict:
    document: JsonDict = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }
    if stored.filename is not None:
        document["file_name"] = stored.filename
    if stored.mime_type is not None:
        document["mime_type"] = stored.mime_type
    return document


@api_method("sendDocument")
async def send_document(world: World, params: Params) -> JsonDict:
    chat = writable_chat(world, params)
    stored = _document_file(world, params)
    caption = caption_text(world, params)
    markup = check_reply_markup(params.json("reply_markup"))
    where = placement(chat, params)
    fields = (
        {"document": document_object(stored)}
        | text_fields(caption, key="caption")
        | where.fields
        | send_options(params)
    )
    count_outgoing(world, chat)
    message = post_from_bot(
        world, chat, fields, reply_to=where.reply_to, reply_markup=markup, kind="document"
    )
    return message.api()


@api_method("getFile")
async def get_file(world: World, params: Params) -> JsonDict:
    stored = world.files.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


def _document_file(world: World, params: Params) -> StoredFile:
    """The document of a send: a fresh upload, an attach:// part, or a known file_id."""
    upload = params.file("document")
    reference = params.text("document")
    if upload is None and reference is not None and reference.startswith("attach://"):
        upload = params.file(reference.removeprefix("attach://"))
        if upload is None:
            raise bad_request(WRONG_FILE)
    if upload is not None:
        return _store_upload(world, upload)
    if not reference:
        raise bad_request("there is no document in the request")
    if reference.startswith(("http://", "https://")):
        # Telegram would fetch the URL; the stand-in is offline by design.
        raise bad_request("failed to get HTTP URL content")
    known = world.files.get(reference)
    if known is None:
        raise bad_request(WRONG_FILE)
    return known


def _store_upload(world: World, upload: UploadedFile) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if len(upload.data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "Request Entity Too Large")
    return world.store_file(
        upload.data, folder="documents", filename=upload.filename, mime_type=upload.mime_type
    )
