namespace HighPerf.Xmpp.Core.Buffers;

/// <summary>
/// One <see cref="PooledBufferWriter"/> per thread for composing a reply before it is queued. Event-loop
/// threads are few and long-lived, so this costs a few KiB per loop, not per session.
/// </summary>
public static class ScratchWriter
{
    [ThreadStatic]
    private static PooledBufferWriter? t_writer;

    [ThreadStatic]
    private static PooledBufferWriter? t_payloadWriter;

    /// <summary>The calling thread's writer, emptied. Do not hold it across an await or a nested call that
    /// may also compose a reply.</summary>
    public static PooledBufferWriter Rent()
    {
        var writer = t_writer ??= new PooledBufferWriter();
        writer.Reset();
        return writer;
    }

    /// <summary>A second per-thread writer for a payload that is then framed through <see cref="Rent"/>
    /// (for example a module's iq result body passed to a Reply method).</summary>
    public static PooledBufferWriter RentPayload()
    {
        var writer = t_payloadWriter ??= new PooledBufferWriter();
        writer.Reset();
        return writer;
    }
}
