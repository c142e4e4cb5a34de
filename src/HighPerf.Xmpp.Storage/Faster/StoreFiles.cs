using System.Numerics;
using FASTER.core;
using HighPerf.Xmpp.Storage.Abstractions;

namespace HighPerf.Xmpp.Storage.Faster;

/// <summary>
/// The FASTER objects of one store folder and their layout on disk:
/// <c>kv/hlog.log.N</c> (key-value log), <c>kv/checkpoints/</c>, <c>wal/wal.log.N</c> (write-ahead log),
/// <c>wal/commits/</c>, <c>archive/archive.log.N</c> (the message archive, see <see cref="ArchiveStore"/>),
/// <c>archive/commits/</c>. Sizes come from <see cref="StoreOptions"/>; pages are large enough for the largest
/// value, and memory stays at a few tens of MiB by default (log pages + index + log-ahead pages).
/// </summary>
internal sealed class StoreFiles : IDisposable
{
    public const int SegmentSizeBits = 26;

    // FasterLog commit metadata files are rewritten every this many commits (and whenever the log is truncated);
    // in between, commit records inside the log carry commits, which is what makes a commit one write.
    private const int MetadataEveryCommits = 1000;

    private StoreFiles(string directory, StoreOptions options)
    {
        var kvFolder = Path.Combine(directory, "kv");
        var walFolder = Path.Combine(directory, "wal");
        var archiveFolder = Path.Combine(directory, "archive");
        System.IO.Directory.CreateDirectory(kvFolder);
        System.IO.Directory.CreateDirectory(walFolder);
        System.IO.Directory.CreateDirectory(archiveFolder);
        KvLogPath = Path.Combine(kvFolder, "hlog.log");
        WalLogPath = Path.Combine(walFolder, "wal.log");
        ArchiveLogPath = Path.Combine(archiveFolder, "archive.log");

        // A page holds the largest record: the value plus its key and headers.
        PageSizeBits = PageSizeBitsFor(options);
        MaxEntryBytes = (1 << PageSizeBits) - 64;
        var memoryBits = Math.Max(PageSizeBits + 2, FloorLog2(Math.Max(options.LogMemoryBytes, 4L << 20)));
        var indexBuckets = 1L << FloorLog2(Math.Max(options.IndexBuckets, 1024));

        KvDevice = Devices.CreateLogDevice(KvLogPath, preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        Checkpoints = new DeviceLogCommitCheckpointManager(
            new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(Path.Combine(kvFolder, "checkpoints")), removeOutdated: false);
        Kv = new FasterKV<SpanByte, SpanByte>(
            indexBuckets,
            new LogSettings { LogDevice = KvDevice, PageSizeBits = PageSizeBits, MemorySizeBits = memoryBits, SegmentSizeBits = SegmentSizeBits },
            new CheckpointSettings { CheckpointManager = Checkpoints, RemoveOutdated = false });

        WalDevice = Devices.CreateLogDevice(WalLogPath, preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        WalCommits = new DeviceLogCommitCheckpointManager(
            new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(Path.Combine(walFolder, "commits")),
            removeOutdated: true, fastCommitThrottleFreq: MetadataEveryCommits);
        Wal = new FasterLog(new FasterLogSettings
        {
            LogDevice = WalDevice,
            LogCommitManager = WalCommits,
            PageSizeBits = PageSizeBits,
            MemorySizeBits = PageSizeBits + 2,
            SegmentSizeBits = SegmentSizeBits,
            FastCommitMode = true,
            LogChecksum = LogChecksumType.PerEntry,
            TryRecoverLatest = false,
            AutoRefreshSafeTailAddress = false,
        });

        // The archive keeps its entries for the retention period, so it is truncated by retention only; smaller
        // segments give disk space back sooner (a segment goes once all of it is older than the retention).
        ArchiveSegmentSizeBits = ArchiveSegmentBitsFor(options);
        ArchiveDevice = Devices.CreateLogDevice(ArchiveLogPath, preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        ArchiveCommits = new DeviceLogCommitCheckpointManager(
            new LocalStorageNamedDeviceFactory(), new DefaultCheckpointNamingScheme(Path.Combine(archiveFolder, "commits")),
            removeOutdated: true, fastCommitThrottleFreq: MetadataEveryCommits);
        Archive = new FasterLog(new FasterLogSettings
        {
            LogDevice = ArchiveDevice,
            LogCommitManager = ArchiveCommits,
            PageSizeBits = PageSizeBits,
            MemorySizeBits = PageSizeBits + 2,
            SegmentSizeBits = ArchiveSegmentSizeBits,
            FastCommitMode = true,
            LogChecksum = LogChecksumType.PerEntry,
            TryRecoverLatest = false,
            AutoRefreshSafeTailAddress = false,
        });
    }

    public string KvLogPath { get; }

    public string WalLogPath { get; }

    public string ArchiveLogPath { get; }

    public int ArchiveSegmentSizeBits { get; }

    public int PageSizeBits { get; }

    /// <summary>Largest write-ahead-log entry: one log page.</summary>
    public int MaxEntryBytes { get; }

    public IDevice KvDevice { get; }

    public DeviceLogCommitCheckpointManager Checkpoints { get; }

    public FasterKV<SpanByte, SpanByte> Kv { get; }

    public IDevice WalDevice { get; }

    public DeviceLogCommitCheckpointManager WalCommits { get; }

    public FasterLog Wal { get; }

    public IDevice ArchiveDevice { get; }

    public DeviceLogCommitCheckpointManager ArchiveCommits { get; }

    /// <summary>The message archive's log: entries and the redo log of the archive's index in <see cref="Kv"/>.</summary>
    public FasterLog Archive { get; }

    public static StoreFiles Open(string directory, StoreOptions options) => new(directory, options);

    public static int PageSizeBitsFor(StoreOptions options) => Math.Max(20, CeilingLog2(options.MaxValueBytes + 16 * 1024));

    public static int ArchiveSegmentBitsFor(StoreOptions options)
    {
        var pageBits = PageSizeBitsFor(options);
        return Math.Max(pageBits, FloorLog2(Math.Max(options.ArchiveSegmentBytes, 1L << pageBits)));
    }

    /// <summary>Whether the folder already holds FASTER files (then a missing manifest means damage, not a new store).</summary>
    public static bool AnyExist(string directory) =>
        HasFiles(Path.Combine(directory, "kv")) || HasFiles(Path.Combine(directory, "wal")) || HasFiles(Path.Combine(directory, "archive"));

    public void Dispose()
    {
        Archive.Dispose();
        ArchiveDevice.Dispose();
        ArchiveCommits.Dispose();
        Wal.Dispose();
        WalDevice.Dispose();
        WalCommits.Dispose();
        Kv.Dispose();
        KvDevice.Dispose();
        Checkpoints.Dispose();
    }

    private static bool HasFiles(string folder) =>
        System.IO.Directory.Exists(folder) && System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any();

    private static int FloorLog2(long value) => BitOperations.Log2((ulong)value);

    private static int CeilingLog2(long value) => BitOperations.Log2((ulong)(value - 1)) + 1;
}
