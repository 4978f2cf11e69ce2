"""Reads a one-sheet .xlsx with only the Python standard library, independently of the writer
under test, and prints what a spreadsheet would show as JSON:

{"sheet": name, "frozenRows": n, "widths": [..], "boldHeader": bool,
 "rows": [[{"type": "text"|"number"|"date"|"datetime", "value": ...} or null, ...], ...]}

Text follows ECMA-376 ST_Xstring (_xHHHH_ decoded); dates are converted from 1900-system
serial numbers by datetime arithmetic.
"""
import json
import posixpath
import re
import sys
import zipfile
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{%s}id" % NS["r"]


def rels(z, path):
    folder, name = posixpath.split(path)
    root = ET.fromstring(z.read(posixpath.join(folder, "_rels", name + ".rels")))
    return {
        rel.get("Id"): (rel.get("Type").rsplit("/", 1)[1], posixpath.normpath(posixpath.join(folder, rel.get("Target"))))
        for rel in root.findall("p:Relationship", NS)
    }


def xstring(text):
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text or "")


def column_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1, int(ref[len(letters):]) - 1


def main(path):
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
        if bad is not None:
            raise SystemExit("bad CRC in " + bad)
        workbook_path = next(t for kind, t in rels(z, "").values() if kind == "officeDocument")
        workbook = ET.fromstring(z.read(workbook_path))
        book_rels = rels(z, workbook_path)
        sheet = workbook.find("m:sheets/m:sheet", NS)
        sheet_path = book_rels[sheet.get(R_ID)][1]
        by_kind = {kind: target for kind, target in book_rels.values()}

        shared = []
        if "sharedStrings" in by_kind:
            for si in ET.fromstring(z.read(by_kind["sharedStrings"])).findall("m:si", NS):
                shared.append(xstring("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"]))))

        styles = ET.fromstring(z.read(by_kind["styles"]))
        formats = {int(f.get("numFmtId")): f.get("formatCode") for f in styles.findall("m:numFmts/m:numFmt", NS)}
        bold_fonts = [f.find("m:b", NS) is not None for f in styles.findall("m:fonts/m:font", NS)]
        xfs = [(int(x.get("numFmtId", "0")), int(x.get("fontId", "0"))) for x in styles.findall("m:cellXfs/m:xf", NS)]

        ws = ET.fromstring(z.read(sheet_path))
        pane = ws.find("m:sheetViews/m:sheetView/m:pane", NS)
        frozen = int(float(pane.get("ySplit"))) if pane is not None and pane.get("state") == "frozen" else 0
        widths = []
        for col in ws.findall("m:cols/m:col", NS):
            for _ in range(int(col.get("min")), int(col.get("max")) + 1):
                widths.append(float(col.get("width")))

        grid = {}
        header_bold = True
        for c in ws.findall("m:sheetData/m:row/m:c", NS):
            col, row = column_index(c.get("r"))
            numfmt, font = xfs[int(c.get("s", "0"))]
            v = c.find("m:v", NS)
            kind = c.get("t", "n")
            if kind == "s":
                cell = {"type": "text", "value": shared[int(v.text)]}
            elif kind == "inlineStr":
                cell = {"type": "text", "value": xstring("".join(t.text or "" for t in c.iter("{%s}t" % NS["m"])))}
            elif kind == "n":
                number = float(v.text)
                code = formats.get(numfmt, "")
                if re.search(r"[ymd]", code):
                    moment = datetime(1899, 12, 30) + timedelta(milliseconds=round(number * 86_400_000))
                    if "h" in code:
                        text = moment.isoformat(timespec="milliseconds")
                        cell = {"type": "datetime", "value": text[:-4] if text.endswith(".000") else text}
                    else:
                        cell = {"type": "date", "value": moment.date().isoformat()}
                else:
                    cell = {"type": "number", "value": int(number) if number.is_integer() else number}
            else:
                raise SystemExit("unexpected cell type " + kind)
            if row == 0:
                header_bold = header_bold and bold_fonts[font]
            grid[(row, col)] = cell

        height = max((r for r, _ in grid), default=-1) + 1
        width = max(len(widths), max((c for _, c in grid), default=-1) + 1)
        rows = [[grid.get((r, c)) for c in range(width)] for r in range(height)]
        print(json.dumps({"sheet": sheet.get("name"), "frozenRows": frozen, "widths": widths,
                          "boldHeader": header_bold, "rows": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
