"""What the loaded sources cover, and what they do not, so a `not_found` never implies a search not made."""

from __future__ import annotations

from collections.abc import Sequence

from rigour.territories import get_territory

from lendercheck.answers import Coverage
from lendercheck.matcher import registrable_domain
from lendercheck.models import SourceRow

# Lender types that regulators license but no bundled source lists. A type drops out of this table
# once a loaded source of that jurisdiction says it covers it (e.g. an imported provincial list).
UNLISTED: dict[str, list[tuple[str, str, str]]] = {
    "CN": [
        ("小额贷款公司", "microloan and online microloan companies (小额贷款公司 / 网络小额贷款公司), licensed by "
         "provincial regulators", "由省级地方金融管理部门批准的小额贷款公司、网络小额贷款公司"),
        ("融资担保公司", "financing-guarantee and pawn companies", "融资担保公司、典当行"),
    ],
    "ID": [("multifinance", "multifinance companies and banks", "perusahaan pembiayaan dan bank")],
    "IN": [("commercial banks", "banks and co-operative banks (the NBFC list has no banks)", "银行")],
    "GB": [("unqueried firms", "FCA firms not yet looked up: the Register is asked one firm at a time",
            "尚未查询的英国 FCA 机构")],
}

# ccTLDs whose two letters are not the ISO 3166 code.
_TLD_TO_ISO = {"uk": "GB"}


def country_name(code: str) -> str:
    territory = get_territory(code.lower())
    return territory.name if territory else code


def is_known_jurisdiction(code: str) -> bool:
    return len(code) == 2 and get_territory(code.lower()) is not None


def jurisdiction_of_domain(text: str) -> str | None:
    """`kredit.co.id` → ID; a generic TLD says nothing."""
    domain = registrable_domain(text)
    if not domain:
        return None
    tld = domain.rsplit(".", 1)[-1]
    code = _TLD_TO_ISO.get(tld, tld.upper())
    return code if len(tld) == 2 and is_known_jurisdiction(code) else None


def coverage(sources: Sequence[SourceRow], jurisdiction: str | None, lang: str) -> Coverage:
    zh = lang == "zh"
    covered_codes = sorted({s.jurisdiction for s in sources})
    if jurisdiction and jurisdiction not in covered_codes:
        name = country_name(jurisdiction)
        statement = (
            f"lendercheck 没有{name}（{jurisdiction}）的任何名单，因此未在该地区进行查询。"
            if zh
            else f"lendercheck holds no list for {name} ({jurisdiction}), so nothing was searched there."
        )
        return Coverage(jurisdictions=[jurisdiction], covered=False, covers=[], not_covered=[], statement=statement)

    codes = [jurisdiction] if jurisdiction else covered_codes
    relevant = [s for s in sources if s.jurisdiction in codes]
    covers = sorted({f"{s.jurisdiction}: {kind}" for s in relevant for kind in s.covers})
    not_covered = []
    for code in codes:
        listed = " ".join(kind for s in relevant if s.jurisdiction == code for kind in s.covers)
        for marker, english, chinese in UNLISTED.get(code, []):
            if marker not in listed:
                not_covered.append(f"{code}: {chinese if zh else english}")
    places = "、".join(codes) if zh else ", ".join(codes)
    if zh:
        statement = f"已查询的名单覆盖{places}的：{'；'.join(covers) or '无'}。"
        if not_covered:
            statement += f"未覆盖：{'；'.join(not_covered)}。"
    else:
        statement = f"The lists checked cover, in {places}: {'; '.join(covers) or 'nothing'}."
        if not_covered:
            statement += f" Not covered: {'; '.join(not_covered)}."
    return Coverage(jurisdictions=codes, covered=bool(relevant), covers=covers, not_covered=not_covered,
                    statement=statement)
