"""Building Word files from our own text for tests: list numbering definitions and numbered paragraphs."""
from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# numId 90: I. / 1. / a) / - / Symbol bullet; 91: 1. / 1.1.; 92: 91 starting at 5; 93: "Điều %1."
NUMBERING = f"""
<w:abstractNum {nsdecls('w')} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
  <w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/>
    <w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr></w:lvl>
</w:abstractNum>
<w:abstractNum {nsdecls('w')} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
</w:abstractNum>
<w:abstractNum {nsdecls('w')} w:abstractNumId="92">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Điều %1."/></w:lvl>
</w:abstractNum>
<w:num {nsdecls('w')} w:numId="90"><w:abstractNumId w:val="90"/></w:num>
<w:num {nsdecls('w')} w:numId="91"><w:abstractNumId w:val="91"/></w:num>
<w:num {nsdecls('w')} w:numId="92"><w:abstractNumId w:val="91"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
<w:num {nsdecls('w')} w:numId="93"><w:abstractNumId w:val="92"/></w:num>
"""


def add_numbering(document) -> None:
    element = document.part.numbering_part.element
    wrapper = parse_xml(f"<w:x {nsdecls('w')}>{NUMBERING}</w:x>")
    abstracts = [el for el in wrapper if el.tag == f"{{{W}}}abstractNum"]
    nums = [el for el in wrapper if el.tag == f"{{{W}}}num"]
    for el in abstracts:  # abstractNum elements must precede num elements
        first_num = element.find(f"{{{W}}}num")
        if first_num is not None:
            first_num.addprevious(el)
        else:
            element.append(el)
    for el in nums:
        element.append(el)


def numbered(document, text: str, num_id: int, ilvl: int) -> None:
    paragraph = document.add_paragraph(text)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


