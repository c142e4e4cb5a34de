using FASTER.core;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// FASTER callbacks for every record kind. All values are <c>[tag][payload]</c> byte layouts that are written
/// and read whole (upserts and reads; read-modify-write happens in the record-kind stores under the
/// per-user lock, because each change must also be logged as one write-ahead-log entry), so the
/// <see cref="SpanByteFunctions{Context}"/> copy semantics are exactly right: reads copy into the caller's
/// pinned buffer when it is large enough and rent from the shared pool only when it is not. The type is
/// sealed so that FASTER's generic session code calls it without virtual dispatch.
/// </summary>
internal sealed class RecordFunctions : SpanByteFunctions<Empty>
{
    public static readonly RecordFunctions Instance = new();

    private RecordFunctions()
    {
    }
}
