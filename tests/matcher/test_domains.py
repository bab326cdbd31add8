"""Domains and app ids: what a browser or a store link gives, reduced to what lenders are listed under."""

from __future__ import annotations

import pytest

from lendercheck.matcher import registrable_domain
from lendercheck.matcher.domains import app_id_of, domain_label, play_store_id


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("https://www.adakami.id/", "adakami.id"),
        ("https://p2p.danamas.co.id/", "danamas.co.id"),  # OJK lists the lending subdomain
        ("www.finmas.co.id", "finmas.co.id"),
        ("  http://danasyariah.id", "danasyariah.id"),
        ("m.Example.CO.ID/x?y=1", "example.co.id"),
        ("https://kawancicil.co.id:443/path", "kawancicil.co.id"),
        ("http://中国银行.cn", "xn--fiqs8s856bruk.cn"),  # IDNA
        ("https://someone.github.io/loan", "someone.github.io"),  # shared hosting: one site, not github.io
        ("not a domain", None),
        ("", None),
    ],
)
def test_registrable_domain_of_urls_and_hosts(text: str, domain: str | None) -> None:
    assert registrable_domain(text) == domain


@pytest.mark.parametrize(
    ("text", "app_id"),
    [
        ("https://play.google.com/store/apps/details?id=com.pocket.rupee.deal", "com.pocket.rupee.deal"),
        ("https://play.google.com/store/apps/details?id=com.one360.lending&hl=en", "com.one360.lending"),
        ("play.google.com/store/apps/details?hl=id&id=Com.Kredivo.Android", "com.kredivo.android"),
        ("https://play.google.com/store/search?q=stashfin&c=apps", None),
        ("https://apps.apple.com/in/app/gem-sahay/id6502699944", None),
    ],
)
def test_play_store_link_gives_the_package_id(text: str, app_id: str | None) -> None:
    assert play_store_id(text) == app_id


def test_package_id_given_as_is_is_an_app_id() -> None:
    assert app_id_of("com.kredivo.android") == "com.kredivo.android"
    assert app_id_of("https://www.adakami.id/") is None


def test_domain_label_is_the_name_part() -> None:
    assert domain_label("qitiandai.com") == "qitiandai"
    assert domain_label("solusi-ku.id") == "solusiku"
