"""The PDF documents as a person gets them: the text a viewer copies out, the page as poppler draws
it (Chinese in an embedded font, so a PC without Chinese fonts shows the same), one award
certificate per page, names printed as typed, ID numbers masked whatever the caller passed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from station_kit.io.documents import AwardCertificate, AwardNotice, NoticeEntry, ServiceCertificate
from station_kit.io.pdf import (
    MISSING_GLYPH,
    award_certificates_pdf,
    covered_code_points,
    notice_pdf,
    printable,
    service_certificate_pdf,
)
from tests.factories import id_number
from tests.pdfs import ink, page_count, pdf_text, render_page

# A name as a person may type it: markup is text, never layout (nor escaped into &lt;b&gt;).
MARKUP_NAME = "<b>王五</b>"
FULL_ID = id_number()


@pytest.fixture(scope="module")
def notice() -> bytes:
    entries = tuple(
        NoticeEntry(rank, name, "学雷锋志愿服务队", points, (("服务时长", f"{points / 10:.1f} 小时"),
                                                             ("邻里互助加权", "+12.0"), ("带队", "2 次 +20")))
        for rank, (name, points) in enumerate((("张三", 524.0), ("欧阳娜娜", 498.5), (MARKUP_NAME, 402.0)), 1))
    return notice_pdf(AwardNotice(
        station_name="兴神路社区", title="兴神路社区2022年8月“时尚达人”评选结果公示", entries=entries,
        publicity_from=dt.date(2022, 9, 1), publicity_until=dt.date(2022, 9, 7),
        contact="社区办公室 0912-1234567", issued_on=dt.date(2022, 9, 1)))


@pytest.fixture(scope="module")
def awards() -> bytes:
    return award_certificates_pdf([
        AwardCertificate("兴神路社区", recipient, "2022年8月 月度“时尚达人”", f"XSL-RY-2022-{n:05d}", dt.date(2022, 9, 8))
        for n, recipient in enumerate(("张三", "欧阳娜娜", "第一服务分队"), 1)])


@pytest.fixture(scope="module")
def service() -> bytes:
    # The full number is passed on purpose: the renderer masks it again.
    return service_certificate_pdf(ServiceCertificate(
        certificate_number="XSL-ZM-2022-00042", name="张三", id_type="居民身份证", masked_id_number=FULL_ID,
        volunteer_number="XSL000123", approved_minutes=12_345,
        service_content=("2022-01-07 至 2022-08-26　周五爱国卫生大扫除　30 次　60.0 小时",
                         "2022-06-03　邻里一家亲端午节慈善互动　1 次　3.5 小时"),
        period_from=dt.date(2022, 1, 7), period_until=dt.date(2022, 8, 26), station_name="兴神路社区",
        person_in_charge="高文明", handler="李经办", contact="兴神路社区办公室 0912-1234567",
        issued_on=dt.date(2022, 9, 1)))


def test_the_service_certificate_says_who_how_long_and_who_issued_it(service):
    text = pdf_text(service)
    for shown in ("志愿服务记录证明", "张三", "居民身份证", "XSL000123", "205.8", "周五爱国卫生大扫除",
                  "兴神路社区新时代文明实践站", "高文明", "李经办", "0912-1234567", "XSL-ZM-2022-00042",
                  "2022年9月1日", "盖章"):
        assert shown in text, shown
    assert "*" * 14 + FULL_ID[-4:] in text
    assert FULL_ID not in text and FULL_ID[:6] not in text and FULL_ID[6:14] not in text


def test_the_notice_lists_each_winner_with_the_breakdown(notice):
    text = pdf_text(notice)
    for shown in ("评选结果公示", "张三", "欧阳娜娜", "524.0", "邻里互助加权", "2022年9月7日", "0912-1234567", "盖章"):
        assert shown in text, shown
    assert MARKUP_NAME in "".join(text.split())  # the narrow name column wraps it
    assert page_count(notice) == 1


def test_one_award_certificate_per_page(awards):
    pages = PdfReader(io.BytesIO(awards)).pages
    assert len(pages) == 3
    for page, (recipient, number) in zip(pages, (("张三", "00001"), ("欧阳娜娜", "00002"), ("第一服务分队", "00003"))):
        text = page.extract_text().replace("\x00", "")
        assert recipient in text and f"XSL-RY-2022-{number}" in text and "荣誉证书" in text
        assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape


@pytest.mark.parametrize("document", ["notice", "awards", "service"])
def test_every_font_is_embedded(document, request):
    """A font that is only named would show as boxes or a substitute on a PC without it."""
    reader = PdfReader(io.BytesIO(request.getfixturevalue(document)))
    fonts = {font.idnum: font.get_object() for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts
    for font in fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


@pytest.mark.parametrize("document", ["notice", "awards", "service"])
def test_poppler_draws_the_page_with_ink_on_it(document, request, tmp_path):
    """Not a blank page: text, tables and borders put dark pixels on 1 % or more of it (a page of
    boxes for missing glyphs, or of nothing, would not be readable; the file size says neither)."""
    png = render_page(request.getfixturevalue(document), tmp_path)
    assert ink(png) > 0.01


def test_a_character_the_font_lacks_shows_as_a_gap_not_as_nothing():
    """王𠀀五 printed as 王五 would name someone else: the rare character becomes □, to be written in."""
    data = award_certificates_pdf([AwardCertificate("兴神路社区", "王\U00020000五\u200b", "月度“时尚达人”", "N-1",
                                                    dt.date(2022, 9, 8))])
    assert "王□五：" in pdf_text(data)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_printable_keeps_what_the_font_has_and_marks_the_rest(text):
    shown = printable(text)
    in_font = {ord(MISSING_GLYPH), *covered_code_points()}
    assert all(char.isspace() or ord(char) in in_font for char in shown)
    kept = [char for char in text if char.isspace() or ord(char) in covered_code_points()]
    assert [char for char in shown if char != MISSING_GLYPH] == [char for char in kept if char != MISSING_GLYPH]
    assert len(shown) <= len(text)
