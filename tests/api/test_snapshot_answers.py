"""What a fresh clone answers from the bundled snapshot of real regulator lists."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def ask(client: TestClient, **params: str) -> dict:  # type: ignore[type-arg]
    response = client.get("/lenders", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_consumer_finance_company_is_licensed_with_its_nfra_code(real: TestClient) -> None:
    answer = ask(real, name="招联消费金融股份有限公司")
    assert answer["verdict"] == "licensed"
    evidence = answer["evidence"][0]
    assert evidence["record_id"] == "X0007H244030001"
    assert evidence["source_url"].startswith("https://www.nfra.gov.cn/chinese/docfile/")
    assert evidence["retrieved_at"]


def test_a_bank_that_left_between_the_two_lists_is_formerly_licensed_with_both_dates(real: TestClient) -> None:
    answer = ask(real, name="新疆汇和银行股份有限公司")
    assert answer["verdict"] == "formerly_licensed"
    evidence = answer["evidence"][0]
    assert (evidence["as_of"], evidence["removed_as_of"]) == ("2025-06-30", "2025-12-31")
    assert "no longer listed" in answer["summary"]


def test_a_seven_day_loan_app_is_not_found_with_the_coverage_statement(real: TestClient) -> None:
    answer = ask(real, name="七天贷")
    assert answer["verdict"] == "not_found"
    assert "cn-nfra-legal-entities" in {s["id"] for s in answer["sources_checked"]}
    assert any("microloan" in item for item in answer["coverage"]["not_covered"])
    chinese = real.get("/lenders", params={"name": "七天贷", "jurisdiction": "CN"},
                       headers={"Accept-Language": "zh-CN"}).json()
    assert "小额贷款公司" in chinese["summary"] and "安全" in chinese["summary"]


@pytest.mark.parametrize(
    ("query", "kep"),
    [
        ({"name": "AdaKami"}, "KEP-128/D.05/2019"),
        ({"name": "Kredit Pintar"}, "KEP-83/D.05/2019"),
        ({"name": "Danamas"}, "KEP-49/D.05/2017"),
        ({"url": "https://www.adakami.id/"}, "KEP-128/D.05/2019"),
    ],
)
def test_indonesian_p2p_lenders_are_licensed_with_their_ojk_kep_number(
    real: TestClient, query: dict[str, str], kep: str
) -> None:
    answer = ask(real, **query)
    assert answer["verdict"] == "licensed"
    assert answer["evidence"][0]["licence_number"] == kep


def test_a_licensed_brand_that_a_warned_app_copies_carries_a_caution(real: TestClient) -> None:
    answer = ask(real, name="Kredit Pintar")
    assert answer["verdict"] == "licensed"
    assert answer["cautions"] and "Caution" in answer["summary"]


def test_an_app_on_the_satgas_list_is_a_warning_with_its_press_release(real: TestClient) -> None:
    answer = ask(real, name="Uang Mudah - Pinjam Dana Cepat")
    assert answer["verdict"] == "warning"
    assert "SP 01/SWI/II/2023" in answer["evidence"][0]["status"]


def test_bajaj_finance_is_licensed_by_the_rbi_with_its_cin(real: TestClient) -> None:
    answer = ask(real, name="Bajaj Finance Limited")
    assert answer["verdict"] == "licensed"
    assert "L65910MH1987PLC042961" in {e["record_id"] for e in answer["evidence"]} | {
        e["licence_number"] for e in answer["evidence"]
    } or any("L65910MH1987PLC042961" in (e["licence_number"] or "") for e in answer["evidence"])


def test_a_digital_lending_app_leads_to_its_regulated_entity(real: TestClient) -> None:
    answer = ask(real, name="KreditBee")
    assert answer["verdict"] == "licensed"
    kinds = {e["source_id"] for e in answer["best"]["evidence"]}
    assert {"in-rbi-dla", "in-rbi-nbfc"} <= kinds
    assert "KRAZYBEE" in answer["best"]["lender_name"].upper()


def test_an_fca_authorised_firm_without_a_lending_permission_is_not_licensed_to_lend(real: TestClient) -> None:
    answer = ask(real, name="Hiscox Insurance Company Limited")
    assert answer["verdict"] == "registered_only"
    assert "without a credit-lending permission" in answer["summary"]


def test_a_country_with_no_loaded_list_is_said_to_be_not_covered(real: TestClient) -> None:
    answer = ask(real, name="Cashalo", jurisdiction="PH")
    assert answer["verdict"] == "not_found"
    assert answer["coverage"]["covered"] is False


def test_sources_list_every_bundled_source(real: TestClient) -> None:
    ids = {s["id"] for s in real.get("/sources").json()["data"]}
    assert {"cn-nfra-legal-entities", "id-ojk-p2p-licensed", "id-satgas-illegal", "in-rbi-nbfc", "in-rbi-dla",
            "gb-fca-register"} <= ids
