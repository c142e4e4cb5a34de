namespace HighPerf.Xmpp.TestKit.Scripts;

/// <summary>A <c>[Client] Name</c> block of a script header.</summary>
public sealed record ScriptClient(string Name, string Jid, string Password, string? Resource)
{
    public string LocalPart => Jid[..Jid.IndexOf('@', StringComparison.Ordinal)];

    /// <summary>The bare JID (without a resource, even when the header's jid names one).</summary>
    public string BareJid => Jid.Contains('/', StringComparison.Ordinal) ? Jid[..Jid.IndexOf('/', StringComparison.Ordinal)] : Jid;

    /// <summary>The resource asked for at bind: the header's resource line, else the jid's resource, else none.</summary>
    public string? RequestedResource => Resource ?? (Jid.Contains('/', StringComparison.Ordinal) ? Jid[(Jid.IndexOf('/', StringComparison.Ordinal) + 1)..] : null);
}
