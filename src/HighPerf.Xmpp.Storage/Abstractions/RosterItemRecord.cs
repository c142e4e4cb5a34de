namespace HighPerf.Xmpp.Storage.Abstractions;

/// <summary>
/// One roster item as stored (RFC 6121 §2.1). Byte arrays hold UTF-8; allocation here is fine because
/// rosters are read at login and on changes, not per routed stanza.
/// </summary>
public sealed class RosterItemRecord
{
    /// <summary>Normalized bare JID of the contact.</summary>
    public required byte[] Jid { get; init; }

    /// <summary>Handle chosen by the user (UTF-8, unescaped); null when none.</summary>
    public byte[]? Name { get; set; }

    /// <summary>Group names (UTF-8, unescaped, distinct).</summary>
    public IReadOnlyList<byte[]> Groups { get; set; } = [];

    public SubscriptionState Subscription { get; set; }

    /// <summary>The user asked for a subscription to the contact that is not yet answered ("Pending Out", ask='subscribe').</summary>
    public bool PendingOut { get; set; }

    /// <summary>The contact asked for a subscription to the user that is not yet answered ("Pending In").</summary>
    public bool PendingIn { get; set; }

    /// <summary>The user pre-approved a subscription request from the contact (RFC 6121 §3.4).</summary>
    public bool PreApproved { get; set; }

    /// <summary>The stored inbound subscribe stanza (raw bytes) while <see cref="PendingIn"/>, to be shown at next login.</summary>
    public byte[]? PendingInStanza { get; set; }

    /// <summary>
    /// The record only remembers subscription state for a contact the user never added (an inbound request
    /// not yet answered, RFC 6121 §3.1.3): it is not part of the roster the user sees.
    /// </summary>
    public bool Hidden { get; set; }
}
