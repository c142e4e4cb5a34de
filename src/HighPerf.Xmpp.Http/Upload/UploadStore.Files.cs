using System.Security.Cryptography;

namespace HighPerf.Xmpp.Http.Upload;

/// <summary>
/// The files on disk: "&lt;slot&gt;.part" while a PUT streams in, then "&lt;slot&gt;.meta" (written and flushed
/// first) and "&lt;slot&gt;.data" (the renamed part, flushed before the rename): a data file is the commit point,
/// so after a crash a meta without data, or a part, is removed at start-up and nothing half-written is served.
/// The upload is acknowledged (201) only after both are on disk.
/// </summary>
public sealed partial class UploadStore
{
    internal string PartPath(string slotId) => Path.Combine(Options.Directory, slotId + ".part");

    internal string DataPath(string slotId) => Path.Combine(Options.Directory, slotId + ".data");

    private string MetaPath(string slotId) => Path.Combine(Options.Directory, slotId + ".meta");

    /// <summary>Makes a completely written part file the stored file; false when the slot was stored meanwhile.</summary>
    internal async Task<bool> CommitAsync(StoredFile file, CancellationToken cancellation)
    {
        var meta = MetaPath(file.SlotId);
        await using (var stream = new FileStream(meta, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
        {
            await stream.WriteAsync(file.ToBytes(), cancellation).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        lock (_gate)
        {
            if (_files.ContainsKey(file.SlotId))
            {
                return false;
            }

            File.Move(PartPath(file.SlotId), DataPath(file.SlotId));
            _files[file.SlotId] = file;
            _usage[file.Owner] = _usage.GetValueOrDefault(file.Owner) + file.Size;
            _reservations.Remove(file.SlotId);
        }

        UploadLog.Stored(_logger, file.Owner, file.Size);
        return true;
    }

    /// <summary>Removes what a failed or refused PUT left.</summary>
    internal void Discard(string slotId)
    {
        TryDelete(PartPath(slotId));
        lock (_gate)
        {
            if (_files.ContainsKey(slotId))
            {
                return;
            }
        }

        TryDelete(MetaPath(slotId));
    }

    /// <summary>Deletes expired files and forgets expired slots.</summary>
    internal void Sweep()
    {
        var now = _clock.GetUtcNow();
        List<StoredFile>? expired = null;
        lock (_gate)
        {
            foreach (var file in _files.Values)
            {
                if (IsExpired(file, now))
                {
                    (expired ??= []).Add(file);
                }
            }

            foreach (var file in expired ?? [])
            {
                _files.Remove(file.SlotId);
                var left = _usage.GetValueOrDefault(file.Owner) - file.Size;
                if (left > 0)
                {
                    _usage[file.Owner] = left;
                }
                else
                {
                    _usage.Remove(file.Owner);
                }
            }

            List<string>? stale = null;
            foreach (var (slotId, reservation) in _reservations)
            {
                if (reservation.Expires <= now)
                {
                    (stale ??= []).Add(slotId);
                }
            }

            foreach (var slotId in stale ?? [])
            {
                _reservations.Remove(slotId);
            }
        }

        foreach (var file in expired ?? [])
        {
            TryDelete(DataPath(file.SlotId));
            TryDelete(MetaPath(file.SlotId));
            UploadLog.Expired(_logger, file.Owner, file.Size);
        }
    }

    /// <summary>Reads the stored files' metadata at start-up and removes what an interrupted upload left.</summary>
    private void Load()
    {
        foreach (var part in Directory.EnumerateFiles(Options.Directory, "*.part"))
        {
            TryDelete(part);
        }

        foreach (var meta in Directory.EnumerateFiles(Options.Directory, "*.meta"))
        {
            var slotId = Path.GetFileNameWithoutExtension(meta);
            var data = DataPath(slotId);
            var file = SlotSignature.IsSlotId(slotId) ? StoredFile.Parse(slotId, File.ReadAllText(meta)) : null;
            if (file is null || !File.Exists(data) || new FileInfo(data).Length != file.Size)
            {
                TryDelete(meta);
                TryDelete(data);
                continue;
            }

            _files[slotId] = file;
            _usage[file.Owner] = _usage.GetValueOrDefault(file.Owner) + file.Size;
        }

        Sweep();
    }

    private static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length == SlotSignature.KeyBytes)
            {
                return existing;
            }
        }

        var key = RandomNumberGenerator.GetBytes(SlotSignature.KeyBytes);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }

        return key;
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException ex)
        {
            UploadLog.DeleteFailed(_logger, path, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            UploadLog.DeleteFailed(_logger, path, ex.Message);
        }
    }
}
