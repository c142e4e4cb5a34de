namespace HighPerf.Xmpp.Core.Modules;

/// <summary>Which addresses an iq handler answers for (RFC 6120 §10.3, RFC 6121 §8.5).</summary>
[Flags]
public enum IqTarget : byte
{
    None = 0,

    /// <summary>to = a served domain.</summary>
    Server = 1,

    /// <summary>No 'to', or to = the sender's own bare JID: handled by the server on the user's behalf.</summary>
    OwnAccount = 2,

    /// <summary>to = another local user's bare JID (e.g. vCard or disco of a contact).</summary>
    OtherAccount = 4,

    /// <summary>Before authentication, with no account yet (XEP-0077 in-band registration). Never part of <see cref="All"/>:
    /// a handler takes unauthenticated iqs only when it asks for them by name.</summary>
    Unauthenticated = 8,

    AnyAccount = OwnAccount | OtherAccount,
    All = Server | OwnAccount | OtherAccount,
}
