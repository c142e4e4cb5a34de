namespace HighPerf.Xmpp.Transport.Connections;

internal enum EnqueueResult : byte
{
    Queued,
    ScheduleDrain,
    Rejected,
}
