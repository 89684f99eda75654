"""Parents' links and what they bring in, on SQLite and PostgreSQL: an invitation is
claimed once, a parent reaches only their own rows, and what a meeting read in is fixed."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from rondetafel.flows.family import HomeKind, Relation
from rondetafel.storage.db import Database
from rondetafel.storage.family import MemberRecord, token_hash
from rondetafel.storage.models import HomeContributionRow, InviteRow
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import GROUP, MENTOR, NOW, finished

AYSE, OLGA = 8_000_000_001, 8_000_000_002
WEEK = dt.timedelta(days=7)
TOKEN = "q3Yk0v1Zb2-xW_9aRtLm5nPqS7uV8wXy"


async def a_case(db: Database) -> tuple[int, int]:
    async def work(repos: Repositories) -> tuple[int, int]:
        loaded = await repos.meetings.create(GROUP, finished, NOW)
        assert loaded.case_id is not None
        return loaded.case_id, loaded.id

    return await in_transaction(db, work)


async def linked(db: Database, case_id: int, user_id: int = AYSE) -> MemberRecord:
    async def work(repos: Repositories) -> MemberRecord:
        await repos.family.join(
            case_id, user_id, Relation.PARENT, name="Ayşe", language="tr", prompt="menu", now=NOW
        )
        member = await repos.family.member_in_case(case_id, user_id)
        assert member is not None
        await repos.family.confirm(member.id, NOW)
        found = await repos.family.member(member.id)
        assert found is not None
        return found

    return await in_transaction(db, work)


async def test_only_the_tokens_hash_is_stored_and_it_finds_the_invitation(db: Database) -> None:
    case_id, _ = await a_case(db)

    async def work(repos: Repositories) -> None:
        await repos.family.invite(
            case_id, Relation.PARENT, TOKEN, by=MENTOR.user_id, now=NOW, expires_at=NOW + WEEK
        )
        found = await repos.family.find_invite(TOKEN)
        assert found is not None and found.case_id == case_id and found.used_by is None
        assert await repos.family.find_invite(TOKEN[:-1] + "z") is None

    await in_transaction(db, work)
    async with db.connection() as connection:
        [stored] = (await connection.scalars(select(InviteRow.token_hash))).all()
    assert stored == token_hash(TOKEN) and TOKEN not in stored


async def test_an_invitation_is_claimed_by_one_of_two_at_once(db: Database) -> None:
    case_id, _ = await a_case(db)

    async def make(repos: Repositories) -> int:
        return await repos.family.invite(
            case_id, Relation.PARENT, TOKEN, by=MENTOR.user_id, now=NOW, expires_at=NOW + WEEK
        )

    invite_id = await in_transaction(db, make)

    async def claim(user_id: int) -> bool:
        async def work(repos: Repositories) -> bool:
            found = await repos.family.find_invite(TOKEN)
            assert found is not None
            if found.used_by is not None:
                return False
            return await repos.family.use_invite(invite_id, user_id, NOW)

        return await in_transaction(db, work)

    results = await asyncio.gather(claim(AYSE), claim(OLGA))
    assert sorted(results) == [False, True]


async def test_a_parent_reaches_only_their_own_contributions(db: Database) -> None:
    case_id, _ = await a_case(db)
    ayse = await linked(db, case_id, AYSE)
    olga = await linked(db, case_id, OLGA)

    async def work(repos: Repositories) -> None:
        mine = await repos.family.add(ayse, HomeKind.HARD, "Moe", now=NOW, notify_user_id=None)
        assert await repos.family.contribution(olga.id, mine) is None
        assert await repos.family.contributions(olga.id) == []
        [record] = await repos.family.contributions(ayse.id)
        assert record.text == "Moe" and record.language == "tr" and record.editable

    await in_transaction(db, work)


async def test_what_a_meeting_read_in_can_no_longer_change(db: Database) -> None:
    case_id, meeting_id = await a_case(db)
    ayse = await linked(db, case_id)

    async def work(repos: Repositories) -> None:
        used = await repos.family.add(ayse, HomeKind.GOES_WELL, "A", now=NOW, notify_user_id=None)
        free = await repos.family.add(ayse, HomeKind.GOES_WELL, "B", now=NOW, notify_user_id=None)
        assert [p.id for p in await repos.family.waiting_for_meeting(case_id)] == [used, free]
        await repos.family.mark_read_in({used}, meeting_id)
        assert [p.id for p in await repos.family.waiting_for_meeting(case_id)] == [free]
        assert not await repos.family.change(used, "changed", NOW)
        assert not await repos.family.remove(used)
        assert await repos.family.change(free, "B2", NOW)
        # Leaving with "delete": what no meeting used goes; the meeting's record stays.
        assert await repos.family.leave(ayse.id, NOW, erase=True) == 1

    await in_transaction(db, work)
    async with db.connection() as connection:
        texts = (await connection.scalars(select(HomeContributionRow.text))).all()
    assert texts == ["A"]


async def test_the_digest_holds_what_came_before_the_moment_for_who_chose_it(
    db: Database,
) -> None:
    case_id, _ = await a_case(db)
    ayse = await linked(db, case_id)
    mentor = MENTOR.user_id

    async def work(repos: Repositories) -> None:
        await repos.chats.get_or_create(mentor)
        early = await repos.family.add(ayse, HomeKind.HARD, "vroeg", now=NOW, notify_user_id=mentor)
        await repos.family.add(
            ayse, HomeKind.HARD, "laat", now=NOW + dt.timedelta(hours=2), notify_user_id=mentor
        )
        moment = NOW + dt.timedelta(hours=1)
        assert await repos.family.digest_due(moment) == {}  # each point as it comes
        await repos.chats.set_digest(mentor, True)
        due = await repos.family.digest_due(moment)
        assert [r.id for r, _ in due[mentor]] == [early]
        assert [pupil for _, pupil in due[mentor]] == ["S.V."]
        await repos.family.mark_notified([early], NOW)
        assert await repos.family.digest_due(moment) == {}

    await in_transaction(db, work)
