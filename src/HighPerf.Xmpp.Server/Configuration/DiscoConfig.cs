namespace HighPerf.Xmpp.Server.Configuration;

/// <summary>modules.disco: what service discovery says about the server (XEP-0030, XEP-0128, XEP-0157).</summary>
public sealed class DiscoConfig
{
    /// <summary>Name of the server identity (category server, type im).</summary>
    public string ServerName { get; set; } = "HighPerf XMPP";

    /// <summary>XEP-0157 contact URIs by kind: abuse, admin, feedback, sales, security, status, support.</summary>
    public Dictionary<string, List<string>> ContactAddresses { get; set; } = [];

    /// <summary>JIDs listed in the server's disco#items (components).</summary>
    public List<string> Items { get; set; } = [];
}
