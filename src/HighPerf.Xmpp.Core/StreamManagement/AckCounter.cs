namespace HighPerf.Xmpp.Core.StreamManagement;

/// <summary>
/// XEP-0198 outbound counting: stanzas sent and the client's last 'h', both mod 2^32 (§4: "h" wraps to zero after
/// 2^32 - 1), compared with unsigned wrap-around arithmetic so that a session that has sent four billion stanzas
/// still acks correctly. A plain struct: counting allocates nothing.
/// </summary>
internal struct AckCounter
{
    /// <summary>Stanzas handed to the transport, mod 2^32.</summary>
    public uint Sent;

    /// <summary>The client's last acknowledged count, mod 2^32.</summary>
    public uint Acked;

    /// <summary>Stanzas sent and not acknowledged.</summary>
    public readonly uint Outstanding => unchecked(Sent - Acked);

    public void OnSent()
    {
        unchecked
        {
            Sent++;
        }
    }

    /// <summary>Takes the client's <paramref name="h"/>; <paramref name="newlyAcked"/> stanzas are now acknowledged.
    /// False when <paramref name="h"/> acknowledges more than was sent (nothing changes then).</summary>
    public bool TryAcknowledge(uint h, out uint newlyAcked)
    {
        newlyAcked = unchecked(h - Acked);
        if (newlyAcked > Outstanding)
        {
            newlyAcked = 0;
            return false;
        }

        Acked = h;
        return true;
    }
}
