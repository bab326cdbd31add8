"""ETag and Cache-Control for answers that only change when the data does."""

from __future__ import annotations

import hashlib

from fastapi import Request, Response


def etag_for(data_version: str, request: Request, lang: str = "") -> str:
    key = f"{data_version}|{request.url.path}|{request.url.query}|{lang}"
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:24]}"'


def not_modified(request: Request, etag: str) -> bool:
    sent = request.headers.get("if-none-match", "")
    return any(tag.strip() in (etag, "*") for tag in sent.split(",")) if sent else False


def cache_headers(response: Response, etag: str, max_age: int) -> None:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Vary"] = "Accept-Language"
