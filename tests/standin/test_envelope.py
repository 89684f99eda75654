"""The HTTP envelope: routes, status codes, body shapes and the call log."""

from __future__ import annotations

import aiohttp

from rondetafel.standin import BotApiStandIn, SimChat

from .conftest import call_raw


async def test_a_wrong_token_is_401_unauthorized(standin: BotApiStandIn) -> None:
    status, body = await call_raw(standin, "getMe", token="123:WRONG")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_an_unknown_method_is_404_not_found(standin: BotApiStandIn) -> None:
    status, body = await call_raw(standin, "sendTelepathy")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive_and_get_works(standin: BotApiStandIn) -> None:
    status, body = await call_raw(standin, "GETME", http_method="GET")
    assert status == 200
    assert body["ok"] is True
    assert body["result"]["id"] == 123
    assert body["result"]["is_bot"] is True
    assert body["result"]["username"] == "RondetafelTestBot"


async def test_a_failure_has_the_error_code_as_http_status(
    standin: BotApiStandIn, group: SimChat
) -> None:
    status, body = await call_raw(standin, "sendMessage", json={"chat_id": group.id, "text": " "})
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }


async def test_json_urlencoded_and_multipart_bodies_are_read_alike(
    standin: BotApiStandIn, group: SimChat
) -> None:
    markup = '{"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}'
    as_json = {"chat_id": group.id, "text": "a", "reply_markup": {"inline_keyboard": [[
        {"text": "Go", "callback_data": "go"}]]}}  # fmt: skip
    as_form = {"chat_id": str(group.id), "text": "b", "reply_markup": markup}
    multipart = aiohttp.FormData(as_form | {"text": "c"})
    for payload in ({"json": as_json}, {"data": as_form}, {"data": multipart}):
        status, body = await call_raw(standin, "sendMessage", **payload)
        assert status == 200, body
        assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "go"
    assert [m["text"] for m in standin.bot_messages(group)] == ["a", "b", "c"]


async def test_a_success_with_a_description_carries_it(standin: BotApiStandIn) -> None:
    status, body = await call_raw(standin, "deleteWebhook")
    assert (status, body) == (
        200,
        {"ok": True, "result": True, "description": "Webhook is already deleted"},
    )


async def test_every_call_is_recorded_with_decoded_parameters(
    standin: BotApiStandIn, group: SimChat
) -> None:
    markup = '{"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}'
    await call_raw(
        standin, "sendMessage", data={"chat_id": str(group.id), "text": "x", "reply_markup": markup}
    )
    await call_raw(standin, "sendMessage", data={"chat_id": "-1", "text": "x"})
    ok, failed = standin.calls_to("sendMessage")
    assert ok.ok and ok.params["chat_id"] == group.id
    assert ok.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]
    }
    assert ok.result_or_error["text"] == "x"
    assert not failed.ok
    assert failed.result_or_error["description"] == "Bad Request: chat not found"


async def test_injected_errors_fail_the_next_calls_then_stop(
    standin: BotApiStandIn, group: SimChat
) -> None:
    standin.inject_error("sendmessage", 502, "Bad Gateway", times=2)
    results = [
        await call_raw(standin, "sendMessage", json={"chat_id": group.id, "text": "hi"})
        for _ in range(3)
    ]
    assert [status for status, _ in results] == [502, 502, 200]
    assert results[0][1] == {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    assert len(standin.bot_messages(group)) == 1  # the failed calls changed nothing


async def test_an_injected_error_can_carry_parameters(standin: BotApiStandIn) -> None:
    standin.inject_error(
        "getMe", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1}
    )
    status, body = await call_raw(standin, "getMe")
    assert status == 429
    assert body["parameters"] == {"retry_after": 1}
