namespace HighPerf.Xmpp.Core.Addressing.Unicode;

/// <summary>The contextual rules of RFC 5892 Appendix A and the Bidi Rule of RFC 5893 §2.</summary>
internal static class PrecisRules
{
    private const int Virama = 9;

    /// <summary>
    /// Whether the CONTEXTJ or CONTEXTO code point at <paramref name="index"/> is allowed where it stands.
    /// ZWNJ is allowed only after a virama: its second rule needs Joining_Type data we do not carry.
    /// </summary>
    public static bool ContextAllows(ReadOnlySpan<int> label, int index)
    {
        var cp = label[index];
        var before = index > 0 ? label[index - 1] : -1;
        var after = index + 1 < label.Length ? label[index + 1] : -1;
        switch (cp)
        {
            case 0x200C or 0x200D:
                return before >= 0 && UnicodeRuns.CombiningClass(before) == Virama;
            case 0x00B7:
                return before == 0x006C && after == 0x006C;
            case 0x0375:
                return after >= 0 && UnicodeRuns.ScriptGroup(after) == 1;
            case 0x05F3 or 0x05F4:
                return before >= 0 && UnicodeRuns.ScriptGroup(before) == 2;
            case 0x30FB:
                foreach (var other in label)
                {
                    if (other != 0x30FB && UnicodeRuns.ScriptGroup(other) == 3)
                    {
                        return true;
                    }
                }

                return false;
            case >= 0x0660 and <= 0x0669:
                return !ContainsRange(label, 0x06F0, 0x06F9);
            case >= 0x06F0 and <= 0x06F9:
                return !ContainsRange(label, 0x0660, 0x0669);
            default:
                return false;
        }
    }

    /// <summary>True when any code point is right-to-left (R, AL) or an Arabic number, which makes the Bidi Rule apply.</summary>
    public static bool HasRightToLeft(ReadOnlySpan<int> text)
    {
        foreach (var cp in text)
        {
            if (cp >= 0x0590 && UnicodeRuns.Bidi(cp) is BidiClass.R or BidiClass.AL or BidiClass.AN)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>RFC 5893 §2, rules 1–6, for one label.</summary>
    public static bool SatisfiesBidiRule(ReadOnlySpan<int> label)
    {
        if (label.IsEmpty)
        {
            return true;
        }

        var first = UnicodeRuns.Bidi(label[0]);
        if (first is not (BidiClass.L or BidiClass.R or BidiClass.AL))
        {
            return false;
        }

        var rightToLeft = first != BidiClass.L;
        bool hasEuropean = false, hasArabic = false;
        var last = -1;
        for (var i = 0; i < label.Length; i++)
        {
            var bidi = UnicodeRuns.Bidi(label[i]);
            var allowed = rightToLeft
                ? bidi is BidiClass.R or BidiClass.AL or BidiClass.AN or BidiClass.EN or BidiClass.ES or BidiClass.CS
                    or BidiClass.ET or BidiClass.ON or BidiClass.BN or BidiClass.NSM
                : bidi is BidiClass.L or BidiClass.EN or BidiClass.ES or BidiClass.CS or BidiClass.ET or BidiClass.ON
                    or BidiClass.BN or BidiClass.NSM;
            if (!allowed)
            {
                return false;
            }

            hasEuropean |= bidi == BidiClass.EN;
            hasArabic |= bidi == BidiClass.AN;
            if (bidi != BidiClass.NSM)
            {
                last = i;
            }
        }

        if (last < 0)
        {
            return false;
        }

        var end = UnicodeRuns.Bidi(label[last]);
        return rightToLeft
            ? end is BidiClass.R or BidiClass.AL or BidiClass.EN or BidiClass.AN && !(hasEuropean && hasArabic)
            : end is BidiClass.L or BidiClass.EN;
    }

    /// <summary>Width mapping (RFC 8264 §9.11): fullwidth and halfwidth forms to their decomposition.</summary>
    public static int MapWidth(int cp)
    {
        if (cp == 0x3000)
        {
            return 0x20;
        }

        if (cp is >= 0xFF01 and <= 0xFFEE)
        {
            int mapped = PrecisTables.HalfAndFullwidth[cp - 0xFF01];
            return mapped == 0 ? cp : mapped;
        }

        return cp;
    }

    private static bool ContainsRange(ReadOnlySpan<int> label, int first, int last)
    {
        foreach (var cp in label)
        {
            if (cp >= first && cp <= last)
            {
                return true;
            }
        }

        return false;
    }
}
