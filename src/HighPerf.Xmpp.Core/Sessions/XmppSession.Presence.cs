namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>Presence state the router reads for delivery (RFC 6121 §4, §8.5).</summary>
public sealed partial class XmppSession
{
    /// <summary>The client sent initial presence and has not gone unavailable ("available resource").</summary>
    public bool IsAvailable
    {
        get => Volatile.Read(ref _available);
        set => Volatile.Write(ref _available, value);
    }

    private bool _available;

    /// <summary>Priority from the last available presence (RFC 6121 §4.7.2.3), -128..127.</summary>
    public int Priority { get; set; }

    /// <summary>The client asked for its roster, so it gets roster pushes (RFC 6121 §2.1.6: "interested resource").</summary>
    public bool IsInterestedResource { get; set; }
}
