using System.Text;
using HighPerf.Xmpp.Core.Sasl;

namespace HighPerf.Xmpp.Core.Protocol;

/// <summary>Pre-encoded SASL &lt;failure/&gt; elements (RFC 6120 §6.5), one per condition.</summary>
public static class SaslFailures
{
    private static readonly string[] Names =
    [
        "not-authorized", "aborted", "account-disabled", "credentials-expired", "encryption-required",
        "incorrect-encoding", "invalid-authzid", "invalid-mechanism", "malformed-request", "mechanism-too-weak",
        "not-authorized", "temporary-auth-failure",
    ];

    private static readonly byte[][] Encoded = Build();

    public static ReadOnlySpan<byte> Get(SaslFailure failure) => Encoded[(int)failure];

    public static string Name(SaslFailure failure) => Names[(int)failure];

    private static byte[][] Build()
    {
        var result = new byte[Names.Length][];
        for (var i = 0; i < Names.Length; i++)
        {
            result[i] = Encoding.UTF8.GetBytes("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><" + Names[i] + "/></failure>");
        }

        return result;
    }
}
