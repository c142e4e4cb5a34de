using System.Text;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.Core.Protocol;

/// <summary>
/// Pre-encoded stream errors: each is the whole tail a server sends before closing
/// (&lt;stream:error&gt;…&lt;/stream:error&gt;&lt;/stream:stream&gt;), built once at start-up.
/// </summary>
public static class StreamErrors
{
    /// <summary>The error element followed by the closing stream tag.</summary>
    public static ReadOnlySpan<byte> Get(StreamErrorCondition condition) => Encoded[(int)condition];

    public static string Name(StreamErrorCondition condition) => ConditionNames[(int)condition];

    /// <summary>Maps a tokenizer failure to the stream error RFC 6120 asks for.</summary>
    public static StreamErrorCondition FromTokenizer(XmlStreamError error) => error switch
    {
        XmlStreamError.RestrictedXml => StreamErrorCondition.RestrictedXml,
        XmlStreamError.InvalidNamespace => StreamErrorCondition.InvalidNamespace,
        XmlStreamError.BadFormat => StreamErrorCondition.BadFormat,
        XmlStreamError.PolicyViolation => StreamErrorCondition.PolicyViolation,
        XmlStreamError.UnsupportedEncoding => StreamErrorCondition.UnsupportedEncoding,
        _ => StreamErrorCondition.NotWellFormed,
    };

    private static readonly string[] ConditionNames =
    [
        "bad-format", "bad-namespace-prefix", "conflict", "connection-timeout", "host-gone", "host-unknown",
        "improper-addressing", "internal-server-error", "invalid-from", "invalid-namespace", "invalid-xml",
        "not-authorized", "not-well-formed", "policy-violation", "remote-connection-failed", "reset",
        "resource-constraint", "restricted-xml", "see-other-host", "system-shutdown", "undefined-condition",
        "unsupported-encoding", "unsupported-feature", "unsupported-stanza-type", "unsupported-version",
    ];

    // Declared after the names it is built from: static fields initialize in textual order.
    private static readonly byte[][] Encoded = Build();

    private static byte[][] Build()
    {
        var values = Enum.GetValues<StreamErrorCondition>();
        var result = new byte[values.Length][];
        foreach (var condition in values)
        {
            result[(int)condition] = Encoding.UTF8.GetBytes(
                "<stream:error><" + ConditionNames[(int)condition]
                + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
        }

        return result;
    }
}
