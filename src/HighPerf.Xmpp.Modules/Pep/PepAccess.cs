namespace HighPerf.Xmpp.Modules.Pep;

/// <summary>pubsub#access_model values a PEP node supports (XEP-0060 §4.5).</summary>
internal enum PepAccess : byte
{
    /// <summary>The owner and contacts with a presence subscription to the owner (the PEP default, XEP-0163 §4.2).</summary>
    Presence = 0,

    /// <summary>Anyone.</summary>
    Open = 1,

    /// <summary>The owner and the members the owner named (XEP-0060 §8.9).</summary>
    Whitelist = 2,
}
