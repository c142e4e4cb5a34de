namespace HighPerf.Xmpp.Modules.Disco;

/// <summary>What the server says about itself in service discovery (XEP-0030, XEP-0128, XEP-0157).</summary>
public sealed record DiscoOptions
{
    /// <summary>The name of the server identity (category server, type im).</summary>
    public string ServerName { get; init; } = "HighPerf XMPP";

    /// <summary>
    /// XEP-0157 contact addresses by kind (abuse, admin, feedback, sales, security, status, support), each a
    /// list of URIs such as "xmpp:admin@example.org" or "mailto:abuse@example.org". Published as a
    /// serverinfo data form in the server's disco#info (XEP-0128); none: no form.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ContactAddresses { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>JIDs listed in the server's disco#items (components such as a MUC or upload service).</summary>
    public IReadOnlyList<string> Items { get; init; } = [];

    /// <summary>The XEP-0157 kinds, in the order they are written.</summary>
    public static IReadOnlyList<string> ContactKinds { get; } = ["abuse", "admin", "feedback", "sales", "security", "status", "support"];
}
