using System.Globalization;
using HighPerf.Xmpp.Core.Modules;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Http.Upload;

/// <summary>
/// The files of XEP-0363 HTTP File Upload, under the data folder: slots issued to the upload module (signed PUT
/// URLs, see <see cref="SlotSignature"/>), the per-user quota (stored bytes plus slots issued and not yet used),
/// uploads committed to disk, downloads looked up in memory, and expiry. Thread-safe: one lock around the
/// bookkeeping, never held during I/O.
/// </summary>
public sealed partial class UploadStore : IUploadSlots, IDisposable
{
    private readonly Dictionary<string, StoredFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _usage = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reservation> _reservations = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly SlotSignature _signature;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly Timer _sweeper;

    public UploadStore(UploadOptions options, ILoggerFactory loggerFactory, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Options = options;
        _clock = clock ?? TimeProvider.System;
        _logger = loggerFactory.CreateLogger("HighPerf.Xmpp.Upload");
        Directory.CreateDirectory(options.Directory);
        _signature = new SlotSignature(LoadOrCreateKey(Path.Combine(options.Directory, "slot.key")));
        Load();
        var period = TimeSpan.FromTicks(Math.Clamp(options.Expiry.Ticks / 10, TimeSpan.TicksPerSecond / 2, TimeSpan.TicksPerMinute * 10));
        _sweeper = new Timer(static state => ((UploadStore)state!).Sweep(), this, period, period);
    }

    public UploadOptions Options { get; }

    public long MaxFileSize => Options.MaxFileSize;

    public long QuotaBytes => Options.QuotaBytes;

    /// <summary>Base of the URLs handed out, without a trailing slash (e.g. https://example.org:5281/upload); the
    /// host sets it once the HTTP listener is bound.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>Files stored now.</summary>
    public int FileCount
    {
        get
        {
            lock (_gate)
            {
                return _files.Count;
            }
        }
    }

    /// <summary>Bytes <paramref name="owner"/> keeps stored (not counting open slots).</summary>
    public long StoredBytes(string owner)
    {
        lock (_gate)
        {
            return _usage.GetValueOrDefault(owner);
        }
    }

    public UploadSlot Issue(string owner, string filename, long size, string contentType)
    {
        var now = _clock.GetUtcNow();
        var expires = now + Options.SlotLifetime;
        var slotId = SlotSignature.NewSlotId();
        lock (_gate)
        {
            if (Options.QuotaBytes > 0 && Committed(owner, now) + size > Options.QuotaBytes)
            {
                return UploadSlot.Refused(RetryAfter(owner, now));
            }

            _reservations[slotId] = new Reservation(owner, size, expires);
        }

        var expiresUnix = expires.ToUnixTimeSeconds();
        var path = BaseUrl + "/" + slotId + "/" + Uri.EscapeDataString(filename);
        var signature = _signature.Sign(slotId, filename, size, contentType, owner, expiresUnix);
        var put = path + "?e=" + expiresUnix.ToString(CultureInfo.InvariantCulture) + "&s=" + size.ToString(CultureInfo.InvariantCulture)
            + "&t=" + Uri.EscapeDataString(contentType) + "&u=" + Uri.EscapeDataString(owner) + "&sig=" + signature;
        UploadLog.SlotIssued(_logger, owner, size);
        return new UploadSlot(true, put, path, default);
    }

    /// <summary>Checks a PUT URL's grant (the values come from its path and query).</summary>
    internal bool VerifyGrant(string signature, string slotId, string filename, long size, string contentType, string owner, long expiresUnix)
        => _signature.Verify(signature, slotId, filename, size, contentType, owner, expiresUnix);

    internal DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>The stored file for a download, unless it expired.</summary>
    internal StoredFile? Find(string slotId)
    {
        lock (_gate)
        {
            return _files.TryGetValue(slotId, out var file) && !IsExpired(file, _clock.GetUtcNow()) ? file : null;
        }
    }

    internal bool Exists(string slotId)
    {
        lock (_gate)
        {
            return _files.ContainsKey(slotId);
        }
    }

    /// <summary>True when <paramref name="owner"/> may store <paramref name="size"/> more bytes for
    /// <paramref name="slotId"/> (its own reservation, if still held, does not count against it).</summary>
    internal bool HasRoom(string owner, string slotId, long size)
    {
        if (Options.QuotaBytes <= 0)
        {
            return true;
        }

        lock (_gate)
        {
            var own = _reservations.TryGetValue(slotId, out var reservation) ? reservation.Size : 0;
            return Committed(owner, _clock.GetUtcNow()) - own + size <= Options.QuotaBytes;
        }
    }

    internal DateTimeOffset ExpiresAt(StoredFile file) => file.UploadedAt + Options.Expiry;

    public void Dispose() => _sweeper.Dispose();

    private bool IsExpired(StoredFile file, DateTimeOffset now) => ExpiresAt(file) <= now;

    /// <summary>Stored bytes plus open reservations of <paramref name="owner"/> (under the lock).</summary>
    private long Committed(string owner, DateTimeOffset now)
    {
        var total = _usage.GetValueOrDefault(owner);
        foreach (var reservation in _reservations.Values)
        {
            if (reservation.Owner == owner && reservation.Expires > now)
            {
                total += reservation.Size;
            }
        }

        return total;
    }

    /// <summary>When the owner's first stored file or open slot goes away (under the lock).</summary>
    private DateTimeOffset RetryAfter(string owner, DateTimeOffset now)
    {
        var first = DateTimeOffset.MaxValue;
        foreach (var file in _files.Values)
        {
            if (file.Owner == owner && ExpiresAt(file) < first)
            {
                first = ExpiresAt(file);
            }
        }

        foreach (var reservation in _reservations.Values)
        {
            if (reservation.Owner == owner && reservation.Expires > now && reservation.Expires < first)
            {
                first = reservation.Expires;
            }
        }

        return first == DateTimeOffset.MaxValue ? now + Options.SlotLifetime : first;
    }

    private sealed record Reservation(string Owner, long Size, DateTimeOffset Expires);
}
