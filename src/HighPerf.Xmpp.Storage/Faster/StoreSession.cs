using System.Runtime.CompilerServices;
using FASTER.core;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// One FASTER client session with its scratch memory. FASTER sessions are single-threaded: a session is
/// rented from <see cref="SessionPool"/> for one operation and returned, so it is never used by two threads
/// at once (it may move between threads across operations, which FASTER v2 allows: every operation
/// enters and leaves epoch protection on the calling thread). Operations that go pending (record on disk)
/// are completed synchronously before returning, so a returned session has no pending work.
/// </summary>
internal sealed unsafe class StoreSession : IDisposable
{
    private const int InitialReadBytes = 16 * 1024;

    // Values up to this size grow the pinned read buffer for good; larger ones (a vCard with a photo) are
    // copied into a one-off array, so that a pooled session never pins megabytes.
    private const int MaxRetainedReadBytes = 256 * 1024;

    private readonly ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, RecordFunctions> _session;

    // Pinned (POH) so that FASTER can be handed raw pointers into it without a fixed block per read.
    private byte[] _read = GC.AllocateUninitializedArray<byte>(InitialReadBytes, pinned: true);
    private byte[]? _large;
    private byte[] _scratch = [];

    public StoreSession(FasterKV<SpanByte, SpanByte> kv, int maxEntryBytes)
    {
        _session = kv.For(RecordFunctions.Instance).NewSession<RecordFunctions>();
        Batch = new WalBatch(maxEntryBytes);
    }

    /// <summary>The write-ahead-log entry being built by the current write operation.</summary>
    public WalBatch Batch { get; }

    /// <summary>Reads a value; the returned span is valid until the next read on this session.</summary>
    public bool TryRead(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        Status status;
        SpanByteAndMemory output;
        _large = null;
        fixed (byte* keyPtr = key)
        {
            var keySpan = SpanByte.FromPointer(keyPtr, key.Length);
            output = new SpanByteAndMemory(SpanByte.FromPointer((byte*)Unsafe.AsPointer(ref _read[0]), _read.Length));
            status = _session.Read(ref keySpan, ref output);
            if (status.IsPending)
                status = CompletePendingRead(ref output);
        }

        if (!status.Found)
        {
            value = default;
            return false;
        }

        value = output.IsSpanByte ? new ReadOnlySpan<byte>(_read, 0, output.Length) : TakeHeapOutput(output);
        return true;
    }

    public void Upsert(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        fixed (byte* keyPtr = key)
        fixed (byte* valuePtr = value)
        {
            var keySpan = SpanByte.FromPointer(keyPtr, key.Length);
            var valueSpan = SpanByte.FromPointer(valuePtr, value.Length);
            if (_session.Upsert(ref keySpan, ref valueSpan).IsPending)
                _session.CompletePending(wait: true);
        }
    }

    public void Delete(ReadOnlySpan<byte> key)
    {
        fixed (byte* keyPtr = key)
        {
            var keySpan = SpanByte.FromPointer(keyPtr, key.Length);
            if (_session.Delete(ref keySpan).IsPending)
                _session.CompletePending(wait: true);
        }
    }

    /// <summary>Scratch space of at least <paramref name="length"/> bytes for building a log entry (kept, like the read
    /// buffer, up to <see cref="MaxRetainedReadBytes"/>; larger requests get a one-off array).</summary>
    public Span<byte> Scratch(int length)
    {
        if (length > _scratch.Length)
        {
            var grown = new byte[Math.Max(length, Math.Min(MaxRetainedReadBytes, Math.Max(1024, _scratch.Length * 2)))];
            if (length > MaxRetainedReadBytes)
                return grown;
            _scratch = grown;
        }

        return _scratch.AsSpan(0, length);
    }

    public void Dispose() => _session.Dispose();

    // Cold: the record was on disk. FASTER moved the output to the heap when the read went pending.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Status CompletePendingRead(ref SpanByteAndMemory output)
    {
        _session.CompletePendingWithOutputs(out var completed, wait: true);
        using (completed)
        {
            if (!completed.Next())
                throw new InvalidOperationException("FASTER completed a pending read without an output.");
            output = completed.Current.Output;
            return completed.Current.Status;
        }
    }

    // Cold: the value did not fit the read buffer (or came from disk, where FASTER moves outputs to the heap).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ReadOnlySpan<byte> TakeHeapOutput(SpanByteAndMemory output)
    {
        using var memory = output.Memory;
        var length = output.Length;
        var source = memory.Memory.Span[..length];
        if (length > MaxRetainedReadBytes)
        {
            _large = source.ToArray();
            return _large;
        }

        if (length > _read.Length)
            _read = GC.AllocateUninitializedArray<byte>(Math.Max(length, _read.Length * 2), pinned: true);
        source.CopyTo(_read);
        return new ReadOnlySpan<byte>(_read, 0, length);
    }
}
