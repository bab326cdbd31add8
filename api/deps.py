"""Dependencies the routes declare: the store session, the live index, settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from api.errors import NotReady
from lendercheck.live_index import LiveIndex
from lendercheck.matcher import MatchIndex
from lendercheck.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


# These two only read app state: as coroutines they run on the event loop, without a thread hop.
async def get_index(request: Request) -> MatchIndex:
    live: LiveIndex = request.app.state.live
    if live.current is None:
        raise NotReady("the matcher index is still loading; retry in a few seconds")
    return live.current


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
IndexDep = Annotated[MatchIndex, Depends(get_index)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
