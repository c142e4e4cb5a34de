using System.Text;

namespace HighPerf.Xmpp.Core.Protocol;

/// <summary>
/// Pre-encoded &lt;error/&gt; children for every RFC 6120 §8.3.3 condition with its usual error type
/// (RFC 6120 §8.3.2), built once at start-up.
/// </summary>
public static class StanzaErrors
{
    private static readonly string[] ConditionNames =
    [
        "bad-request", "conflict", "feature-not-implemented", "forbidden", "gone", "internal-server-error",
        "item-not-found", "jid-malformed", "not-acceptable", "not-allowed", "not-authorized", "policy-violation",
        "recipient-unavailable", "redirect", "registration-required", "remote-server-not-found",
        "remote-server-timeout", "resource-constraint", "service-unavailable", "subscription-required",
        "undefined-condition", "unexpected-request",
    ];

    private static readonly string[] DefaultTypes =
    [
        "modify", "cancel", "cancel", "auth", "cancel", "cancel",
        "cancel", "modify", "modify", "cancel", "auth", "modify",
        "wait", "modify", "auth", "cancel",
        "wait", "wait", "cancel", "auth",
        "cancel", "wait",
    ];

    private static readonly byte[][] Encoded = Build();

    /// <summary>&lt;error type='…'&gt;&lt;condition xmlns='…'/&gt;&lt;/error&gt; with the condition's usual type.</summary>
    public static ReadOnlySpan<byte> Get(StanzaErrorCondition condition) => Encoded[(int)condition];

    public static string Name(StanzaErrorCondition condition) => ConditionNames[(int)condition];

    public static string DefaultType(StanzaErrorCondition condition) => DefaultTypes[(int)condition];

    private static byte[][] Build()
    {
        var result = new byte[ConditionNames.Length][];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Encoding.UTF8.GetBytes(
                "<error type='" + DefaultTypes[i] + "'><" + ConditionNames[i]
                + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
        }

        return result;
    }
}
