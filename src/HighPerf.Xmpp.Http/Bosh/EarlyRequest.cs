namespace HighPerf.Xmpp.Http.Bosh;

/// <summary>A request that arrived before one with a lower rid (XEP-0124 §14.2): kept, with its raw body, until its turn.</summary>
internal sealed class EarlyRequest(byte[] raw, TaskCompletionSource<byte[]> response)
{
    public byte[] Raw { get; } = raw;

    public TaskCompletionSource<byte[]> Response { get; } = response;
}
