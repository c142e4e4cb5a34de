namespace HighPerf.Xmpp.Http.Bosh;

/// <summary>A request the connection manager keeps open until it has data for the client or 'wait' runs out.</summary>
internal sealed class HeldRequest(long rid, long deadline, TaskCompletionSource<byte[]> response)
{
    public long Rid { get; } = rid;

    /// <summary>Environment.TickCount64 at which it is answered empty.</summary>
    public long Deadline { get; } = deadline;

    public TaskCompletionSource<byte[]> Response { get; set; } = response;
}
