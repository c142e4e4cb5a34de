namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>Wire names of XEP-0313 (MAM), XEP-0359 (stanza ids), XEP-0059 (RSM), XEP-0297 and XEP-0334 hints.</summary>
internal static class MamNames
{
    public const string Namespace = "urn:xmpp:mam:2";
    public const string ExtendedFeature = "urn:xmpp:mam:2#extended";
    public const string StanzaIdNamespace = "urn:xmpp:sid:0";

    public static ReadOnlySpan<byte> Ns => "urn:xmpp:mam:2"u8;
    public static ReadOnlySpan<byte> Query => "query"u8;
    public static ReadOnlySpan<byte> Prefs => "prefs"u8;
    public static ReadOnlySpan<byte> Rsm => "http://jabber.org/protocol/rsm"u8;
    public static ReadOnlySpan<byte> Sid => "urn:xmpp:sid:0"u8;
    public static ReadOnlySpan<byte> Hints => "urn:xmpp:hints"u8;
    public static ReadOnlySpan<byte> OmemoLegacy => "eu.siacs.conversations.axolotl"u8;
    public static ReadOnlySpan<byte> Omemo2 => "urn:xmpp:omemo:2"u8;
}
