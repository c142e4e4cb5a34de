namespace HighPerf.Xmpp.Core.Addressing.Unicode;

/// <summary>Bidi_Class values in the order <see cref="PrecisTables.BidiRuns"/> encodes them.</summary>
internal enum BidiClass : byte
{
    L, R, AL, EN, ES, ET, AN, CS, NSM, BN, B, S, WS, ON, LRE, LRO, RLE, RLO, PDF, LRI, RLI, FSI, PDI,
}
