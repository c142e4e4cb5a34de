namespace HighPerf.Xmpp.Core.Modules;

/// <summary>
/// The SOCKS5 side of a XEP-0065 proxy: where clients connect, and activation of a bytestream when its initiator
/// asks. A host service (the transport's listener) that the proxy module, which speaks the XMPP side, is given.
/// </summary>
public interface IBytestreamRelay
{
    /// <summary>Host name or IP address announced in the streamhost (XEP-0065 §4).</summary>
    string Host { get; }

    /// <summary>Port announced in the streamhost.</summary>
    int Port { get; }

    /// <summary>Starts relaying between the two connections that asked for <paramref name="destinationAddress"/>
    /// (thread-safe; any thread).</summary>
    /// <param name="destinationAddress">SHA-1(SID + initiator JID + target JID) as 40 lowercase hex digits.</param>
    BytestreamActivation Activate(ReadOnlySpan<byte> destinationAddress);
}

/// <summary>What <see cref="IBytestreamRelay.Activate"/> found.</summary>
public enum BytestreamActivation : byte
{
    Activated,

    /// <summary>No connection asked for that address (XEP-0065 §6.3.5: item-not-found).</summary>
    UnknownAddress,

    /// <summary>Only one of the two parties is connected (not-allowed).</summary>
    OnePartyOnly,

    /// <summary>The bytestream relays already.</summary>
    AlreadyActive,
}
