"""Parents between meetings: their invitations, their link to a case, what they bring in.

Everything here is per case and per person: a query names the case or the
user, so a parent never reaches another family's rows through this layer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from rondetafel.flows.family import FamilyMember, HomeKind, HomePoint, InviteFacts, Relation

from .db import changed_rows
from .models import Case, Chat, FamilyMemberRow, HomeContributionRow, InviteRow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class MemberRecord:
    id: int
    case_id: int
    user_id: int
    relation: Relation
    name: str
    language: str
    prompt: str
    kind: HomeKind | None
    contribution_id: int | None
    message_id: int | None
    confirmed: bool
    left: bool
    # The case's pupil (initials or pseudonym) and its group, for the parent's screens.
    pupil: str
    chat_id: int
    case_closed: bool

    @property
    def active(self) -> bool:
        return self.confirmed and not self.left and not self.case_closed


@dataclass(frozen=True)
class HomeRecord:
    id: int
    case_id: int
    member_id: int
    kind: HomeKind
    text: str
    language: str
    created_at: dt.datetime
    meeting_id: int | None
    notify_user_id: int | None

    @property
    def editable(self) -> bool:
        """Until a meeting read it in, it is the parent's own to change or delete."""
        return self.meeting_id is None


_MEMBER: tuple[Any, ...] = (
    FamilyMemberRow.id,
    FamilyMemberRow.case_id,
    FamilyMemberRow.user_id,
    FamilyMemberRow.relation,
    FamilyMemberRow.name,
    FamilyMemberRow.language,
    FamilyMemberRow.prompt,
    FamilyMemberRow.kind,
    FamilyMemberRow.contribution_id,
    FamilyMemberRow.message_id,
    FamilyMemberRow.confirmed_at,
    FamilyMemberRow.left_at,
    Case.pseudonym,
    Case.chat_id,
    Case.closed_at,
)
_HOME: tuple[Any, ...] = (
    HomeContributionRow.id,
    HomeContributionRow.case_id,
    HomeContributionRow.member_id,
    HomeContributionRow.kind,
    HomeContributionRow.text,
    HomeContributionRow.language,
    HomeContributionRow.created_at,
    HomeContributionRow.meeting_id,
    HomeContributionRow.notify_user_id,
)


class FamilyRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    # ------------------------------------------------------------ invitations

    async def invite(
        self,
        case_id: int,
        relation: Relation,
        token: str,
        *,
        by: int,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> int:
        result = await self._connection.execute(
            insert(InviteRow)
            .values(
                case_id=case_id,
                relation=relation.value,
                token_hash=token_hash(token),
                created_by=by,
                created_at=now,
                expires_at=expires_at,
            )
            .returning(InviteRow.id)
        )
        invite_id: int = result.scalar_one()
        return invite_id

    async def find_invite(self, token: str) -> InviteFacts | None:
        """The invitation behind a link; locked, so two first opens cannot both win."""
        row = (
            await self._connection.execute(
                select(
                    InviteRow.id,
                    InviteRow.case_id,
                    InviteRow.relation,
                    InviteRow.expires_at,
                    InviteRow.used_by,
                )
                .where(InviteRow.token_hash == token_hash(token))
                .with_for_update()
            )
        ).one_or_none()
        if row is None:
            return None
        return InviteFacts(row.id, row.case_id, Relation(row.relation), row.expires_at, row.used_by)

    async def use_invite(self, invite_id: int, user_id: int, now: dt.datetime) -> bool:
        """Claim the invitation for `user_id`: False if someone claimed it first."""
        result = await self._connection.execute(
            update(InviteRow)
            .where(InviteRow.id == invite_id, InviteRow.used_by.is_(None))
            .values(used_by=user_id, used_at=now)
        )
        return changed_rows(result) == 1

    # ------------------------------------------------------------ members

    async def member(self, member_id: int) -> MemberRecord | None:
        row = (
            await self._connection.execute(
                select(*_MEMBER)
                .join(Case, Case.id == FamilyMemberRow.case_id)
                .where(FamilyMemberRow.id == member_id)
            )
        ).one_or_none()
        return None if row is None else _member(row)

    async def member_in_case(self, case_id: int, user_id: int) -> MemberRecord | None:
        row = (
            await self._connection.execute(
                select(*_MEMBER)
                .join(Case, Case.id == FamilyMemberRow.case_id)
                .where(FamilyMemberRow.case_id == case_id, FamilyMemberRow.user_id == user_id)
            )
        ).one_or_none()
        return None if row is None else _member(row)

    async def memberships(self, user_id: int) -> list[MemberRecord]:
        """Every case this person is linked to, oldest link first (siblings: several)."""
        rows = await self._connection.execute(
            select(*_MEMBER)
            .join(Case, Case.id == FamilyMemberRow.case_id)
            .where(FamilyMemberRow.user_id == user_id)
            .order_by(FamilyMemberRow.id)
        )
        return [_member(row) for row in rows]

    async def join(
        self,
        case_id: int,
        user_id: int,
        relation: Relation,
        *,
        name: str,
        language: str,
        prompt: str,
        now: dt.datetime,
    ) -> int:
        """Link the person to the case (again, if they had left): unconfirmed until they agree."""
        found = await self.member_in_case(case_id, user_id)
        if found is not None:
            await self._connection.execute(
                update(FamilyMemberRow)
                .where(FamilyMemberRow.id == found.id)
                .values(
                    relation=relation.value,
                    name=name,
                    language=language,
                    prompt=prompt,
                    kind=None,
                    contribution_id=None,
                    confirmed_at=None,
                    left_at=None,
                )
            )
            return found.id
        result = await self._connection.execute(
            insert(FamilyMemberRow)
            .values(
                case_id=case_id,
                user_id=user_id,
                relation=relation.value,
                name=name,
                language=language,
                prompt=prompt,
                created_at=now,
            )
            .returning(FamilyMemberRow.id)
        )
        member_id: int = result.scalar_one()
        return member_id

    async def set_prompt(
        self,
        member_id: int,
        prompt: str,
        *,
        kind: HomeKind | None = None,
        contribution_id: int | None = None,
        message_id: int | None = None,
    ) -> None:
        await self._connection.execute(
            update(FamilyMemberRow)
            .where(FamilyMemberRow.id == member_id)
            .values(
                prompt=prompt,
                kind=kind.value if kind else None,
                contribution_id=contribution_id,
                message_id=message_id,
            )
        )

    async def set_language(self, member_id: int, language: str) -> None:
        await self._connection.execute(
            update(FamilyMemberRow).where(FamilyMemberRow.id == member_id).values(language=language)
        )

    async def confirm(self, member_id: int, now: dt.datetime) -> None:
        await self._connection.execute(
            update(FamilyMemberRow).where(FamilyMemberRow.id == member_id).values(confirmed_at=now)
        )

    async def leave(self, member_id: int, now: dt.datetime, *, erase: bool) -> int:
        """The parent stops. With `erase`, the link and every contribution not yet read
        in go; contributions a meeting used stay with that meeting's record. Without,
        what they shared stays with the school. How many contributions were deleted."""
        deleted = 0
        if erase:
            deleted = changed_rows(
                await self._connection.execute(
                    delete(HomeContributionRow).where(
                        HomeContributionRow.member_id == member_id,
                        HomeContributionRow.meeting_id.is_(None),
                    )
                )
            )
        await self._connection.execute(
            update(FamilyMemberRow)
            .where(FamilyMemberRow.id == member_id)
            .values(left_at=now, prompt="left", kind=None, contribution_id=None, message_id=None)
        )
        return deleted

    async def forget(self, member_id: int) -> None:
        """The person declined at the welcome: their link goes, name and language with it.

        Only the invitation keeps their user id, so that the link stays used.
        """
        await self._connection.execute(
            delete(FamilyMemberRow).where(FamilyMemberRow.id == member_id)
        )

    async def of_case(self, case_id: int, *, with_left: bool = False) -> list[FamilyMember]:
        """The case's confirmed parents who have not left, as a meeting knows them.

        `with_left`: also those who left and let the school keep what they shared,
        so that a meeting can still say whose words it reads in.
        """
        left = [] if with_left else [FamilyMemberRow.left_at.is_(None)]
        rows = await self._connection.execute(
            select(
                FamilyMemberRow.user_id,
                FamilyMemberRow.name,
                FamilyMemberRow.language,
                FamilyMemberRow.relation,
            )
            .where(
                FamilyMemberRow.case_id == case_id,
                FamilyMemberRow.confirmed_at.is_not(None),
                *left,
            )
            .order_by(FamilyMemberRow.id)
        )
        return [FamilyMember(r.user_id, r.name, r.language, Relation(r.relation)) for r in rows]

    # ------------------------------------------------------------ contributions

    async def add(
        self,
        member: MemberRecord,
        kind: HomeKind,
        text: str,
        *,
        now: dt.datetime,
        notify_user_id: int | None,
    ) -> int:
        result = await self._connection.execute(
            insert(HomeContributionRow)
            .values(
                case_id=member.case_id,
                member_id=member.id,
                kind=kind.value,
                text=text,
                language=member.language,
                created_at=now,
                updated_at=now,
                notify_user_id=notify_user_id,
            )
            .returning(HomeContributionRow.id)
        )
        contribution_id: int = result.scalar_one()
        return contribution_id

    async def contribution(self, member_id: int, contribution_id: int) -> HomeRecord | None:
        """One of this member's own contributions (another's id finds nothing)."""
        row = (
            await self._connection.execute(
                select(*_HOME).where(
                    HomeContributionRow.id == contribution_id,
                    HomeContributionRow.member_id == member_id,
                )
            )
        ).one_or_none()
        return None if row is None else _home(row)

    async def contributions(self, member_id: int) -> list[HomeRecord]:
        rows = await self._connection.execute(
            select(*_HOME)
            .where(HomeContributionRow.member_id == member_id)
            .order_by(HomeContributionRow.id)
        )
        return [_home(row) for row in rows]

    async def change(self, contribution_id: int, text: str, now: dt.datetime) -> bool:
        """Change a contribution no meeting has used; False if one has (or it is gone)."""
        result = await self._connection.execute(
            update(HomeContributionRow)
            .where(
                HomeContributionRow.id == contribution_id,
                HomeContributionRow.meeting_id.is_(None),
            )
            .values(text=text, updated_at=now, notified_at=None)
        )
        return changed_rows(result) == 1

    async def remove(self, contribution_id: int) -> bool:
        result = await self._connection.execute(
            delete(HomeContributionRow).where(
                HomeContributionRow.id == contribution_id,
                HomeContributionRow.meeting_id.is_(None),
            )
        )
        return changed_rows(result) == 1

    async def waiting_for_meeting(self, case_id: int) -> list[HomePoint]:
        """What the case's parents brought in that no meeting has read in yet."""
        rows = await self._connection.execute(
            select(*_HOME, FamilyMemberRow.user_id)
            .join(FamilyMemberRow, FamilyMemberRow.id == HomeContributionRow.member_id)
            .where(HomeContributionRow.case_id == case_id, HomeContributionRow.meeting_id.is_(None))
            .order_by(HomeContributionRow.id)
        )
        return [HomePoint(r.id, r.user_id, HomeKind(r.kind), r.text, r.language) for r in rows]

    async def mark_read_in(self, contribution_ids: set[int], meeting_id: int) -> None:
        if contribution_ids:
            await self._connection.execute(
                update(HomeContributionRow)
                .where(HomeContributionRow.id.in_(sorted(contribution_ids)))
                .values(meeting_id=meeting_id)
            )

    async def release(self, meeting_id: int) -> None:
        """A meeting stopped before its end: what it read in waits for the next one again."""
        await self._connection.execute(
            update(HomeContributionRow)
            .where(HomeContributionRow.meeting_id == meeting_id)
            .values(meeting_id=None)
        )

    # ------------------------------------------------------------ telling the mentor

    async def mark_notified(self, contribution_ids: list[int], now: dt.datetime) -> None:
        if contribution_ids:
            await self._connection.execute(
                update(HomeContributionRow)
                .where(HomeContributionRow.id.in_(contribution_ids))
                .values(notified_at=now)
            )

    async def digest_due(
        self, before: dt.datetime, *, user_id: int | None = None
    ) -> dict[int, list[tuple[HomeRecord, str]]]:
        """Per person who chose a daily digest (and can be written to): what came in
        up to `before` that they have not heard of, with the case's pupil.

        With `user_id`: that person's, whatever they chose (they just opened the
        private chat, and nothing could reach them before).
        """
        chosen = Chat.digest.is_(True) if user_id is None else Chat.chat_id == user_id
        rows = await self._connection.execute(
            select(*_HOME, Case.pseudonym)
            .join(Case, Case.id == HomeContributionRow.case_id)
            .join(Chat, Chat.chat_id == HomeContributionRow.notify_user_id)
            .where(
                chosen,
                HomeContributionRow.notified_at.is_(None),
                HomeContributionRow.created_at <= before,
            )
            .order_by(HomeContributionRow.notify_user_id, HomeContributionRow.id)
        )
        due: dict[int, list[tuple[HomeRecord, str]]] = {}
        for row in rows:
            record = _home(row)  # type: ignore[arg-type]  # the extra column is ignored
            assert record.notify_user_id is not None
            due.setdefault(record.notify_user_id, []).append((record, row.pseudonym))
        return due


def _member(row: Row[Any]) -> MemberRecord:
    return MemberRecord(
        id=row.id,
        case_id=row.case_id,
        user_id=row.user_id,
        relation=Relation(row.relation),
        name=row.name,
        language=row.language,
        prompt=row.prompt,
        kind=HomeKind(row.kind) if row.kind else None,
        contribution_id=row.contribution_id,
        message_id=row.message_id,
        confirmed=row.confirmed_at is not None,
        left=row.left_at is not None,
        pupil=row.pseudonym,
        chat_id=row.chat_id,
        case_closed=row.closed_at is not None,
    )


def _home(row: Row[Any]) -> HomeRecord:
    return HomeRecord(
        id=row.id,
        case_id=row.case_id,
        member_id=row.member_id,
        kind=HomeKind(row.kind),
        text=row.text,
        language=row.language,
        created_at=row.created_at,
        meeting_id=row.meeting_id,
        notify_user_id=row.notify_user_id,
    )
