namespace HighPerf.Xmpp.Core.Federation;

/// <summary>A db:verify we owe an answer to (XEP-0220 §2.1.2): the stream id and key to check, and who waits.</summary>
public sealed class PendingVerification(byte[] streamId, byte[] key, Action<bool> onResult)
{
    private int _completed;

    public byte[] StreamId { get; } = streamId;

    public byte[] Key { get; } = key;

    /// <summary>Runs the continuation once; later calls do nothing.</summary>
    public void Complete(bool valid)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            onResult(valid);
        }
    }
}
