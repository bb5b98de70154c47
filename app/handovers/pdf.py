"""The travel instructions as a printable PDF (A4), from the same family-safe `TravelInstructions` as the page.

Rendered with fpdf2 (pure Python, no network, no external resources) in DejaVu Sans, a free font that covers
Cyrillic; the glyphs used are embedded as a subset, so the file prints and reads the same everywhere. The fonts
come from the operating system (Debian: `fonts-dejavu-core`), looked up in the usual places; a server without them
answers 503 with a clear problem and the HTML page (which prints the same content) keeps working.

Only text is drawn: nothing in the instructions is interpreted as markup, so a coordinator's `documents_note`
cannot change the layout or add links.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, TextEmphasis, XPos, YPos
from fpdf.fonts import FontFace

from app.errors import DomainError
from app.handovers.schemas import TravelInstructions

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu: fonts-dejavu-core
    Path("/usr/share/fonts/dejavu"),  # Alpine, Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/local/share/fonts/dejavu"),
)
"""Where the DejaVu fonts are looked for, in order."""
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
FAMILY = "DejaVu"
SIZE, LINE = 10, 5.0
"""Body text size (pt) and line height (mm): an ordinary plan fits on one A4 page."""
MEDIA_TYPE = "application/pdf"


class PdfUnavailable(DomainError):
    status, code, title = 503, "pdf-unavailable", "PDF rendering is not available on this server"


def font_dir(candidates: Sequence[Path] | None = None) -> Path:
    """The first of `candidates` (default FONT_DIRS) holding DejaVu Sans regular and bold, or PdfUnavailable (503)."""
    for directory in FONT_DIRS if candidates is None else candidates:
        if (directory / REGULAR).is_file() and (directory / BOLD).is_file():
            return directory
    raise PdfUnavailable(
        "The fonts needed for PDF (DejaVu Sans, Debian package fonts-dejavu-core) are not installed on this server. "
        "The printable HTML page has the same instructions.",
    )


class _Document(FPDF):
    def __init__(self, instructions: TravelInstructions) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer_text = f"{instructions.title} · {instructions.case_reference}"

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(90)
        self.cell(0, 5, f"{self._footer_text} · {self.page_no()}/{{nb}}", align=Align.C)


def _paragraph(pdf: FPDF, text: str, *, style: str = "", size: float = SIZE, height: float = LINE) -> None:
    pdf.set_font(FAMILY, style, size)
    pdf.multi_cell(0, height, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", SIZE)


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.will_page_break(4 * LINE):
        pdf.add_page()  # never a heading alone at the foot of a page
    pdf.ln(2)
    _paragraph(pdf, text, style="B", size=11.5, height=6.5)
    pdf.set_draw_color(150)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1.5)


def _item(pdf: FPDF, marker: str, text: str) -> None:
    """One list item with a hanging indent: the marker in a narrow column, the text wrapping beside it."""
    pdf.cell(6, LINE, marker, new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.multi_cell(0, LINE, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.8)


def render_pdf(instructions: TravelInstructions, *, fonts: Path | None = None) -> bytes:
    """The instructions as a PDF document; `fonts` overrides the font directory (tests)."""
    directory = fonts or font_dir()
    i, labels = instructions, instructions.labels
    pdf = _Document(i)
    pdf.add_font(FAMILY, "", str(directory / REGULAR))
    pdf.add_font(FAMILY, "B", str(directory / BOLD))
    pdf.set_lang(i.language)
    pdf.set_title(f"{i.title} · {i.case_reference}")
    pdf.set_subject(i.title)
    pdf.set_creator("POW Liaison")
    pdf.set_margins(18, 14, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()

    _paragraph(pdf, i.title, style="B", size=15, height=7.5)
    pdf.ln(1.5)
    _paragraph(pdf, i.intro)
    pdf.ln(1.5)
    pdf.write(7, f"{labels['case_reference']}: ")
    pdf.set_font(FAMILY, "B", 14)
    pdf.write(7, i.case_reference)
    pdf.ln(9)
    pdf.set_font(FAMILY, "", SIZE)
    if i.crossing_notice:
        pdf.set_draw_color(176, 0, 0)
        pdf.set_line_width(0.6)
        pdf.multi_cell(
            0,
            LINE,
            f"{labels['notice']}: {i.crossing_notice}",
            border=1,
            align=Align.L,
            padding=2,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_line_width(0.2)
        pdf.ln(2.5)

    rows = (
        (labels["date"], i.travel_date_label),
        (labels["hub"], i.hub_name),
        (labels["crossing"], i.crossing_name),
        (labels["hours"], i.crossing_hours),
        (labels["depart_by"], i.depart_hub_by_label),
        (labels["at_crossing_by"], i.be_at_crossing_by_label),
        (labels["window"], i.window_label),
        (labels["meeting_place"], i.meeting_place),
    )
    pdf.set_draw_color(200)
    with pdf.table(
        col_widths=(36, 64),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        text_align=(Align.L, Align.L),
        line_height=LINE,
        padding=(1.2, 2),
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=FontFace(emphasis=TextEmphasis.B))
            row.cell(value)

    _heading(pdf, labels["steps"])
    for number, step in enumerate(i.steps, start=1):
        _item(pdf, f"{number}.", step)
    _heading(pdf, labels["documents"])
    for document in i.documents:
        _item(pdf, "•", document)
    if i.documents_note:
        pdf.ln(0.5)
        pdf.set_font(FAMILY, "B", SIZE)
        pdf.write(LINE, f"{labels['extra_documents']}: ")
        pdf.set_font(FAMILY, "", SIZE)
        pdf.write(LINE, i.documents_note)
        pdf.ln(LINE)
    _heading(pdf, labels["contacts"])
    for contact in i.contacts:
        pdf.cell(6, 6, "☎", new_x=XPos.RIGHT, new_y=YPos.TOP)
        pdf.write(6, f"{contact.label}: ")
        pdf.set_font(FAMILY, "B", 12)
        pdf.write(6, contact.phone_display)
        pdf.set_font(FAMILY, "", SIZE)
        pdf.ln(7)
    return bytes(pdf.output())
