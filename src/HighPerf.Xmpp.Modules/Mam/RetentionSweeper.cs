using HighPerf.Xmpp.Storage.Abstractions;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Modules.Mam;

/// <summary>
/// Runs the archive's retention every <see cref="MamOptions.RetentionSweepInterval"/>: everything older than
/// now minus <see cref="MamOptions.Retention"/> is forgotten and its log space reclaimed (see
/// <see cref="IArchiveStore.ExpireBeforeAsync"/>). One run at a time; a failed run is logged and retried next time.
/// </summary>
internal sealed class RetentionSweeper : IDisposable
{
    private readonly IArchiveStore _archive;
    private readonly MamOptions _options;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private int _running;

    public RetentionSweeper(IArchiveStore archive, MamOptions options, ILogger logger)
    {
        _archive = archive;
        _options = options;
        _logger = logger;
        _timer = options.Clock.CreateTimer(static s => ((RetentionSweeper)s!).Tick(), this, options.RetentionSweepInterval, options.RetentionSweepInterval);
    }

    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            return;
        }

        _ = SweepAsync();
    }

    private async Task SweepAsync()
    {
        try
        {
            var threshold = _options.Clock.GetUtcNow() - _options.Retention;
            var expired = await _archive.ExpireBeforeAsync(threshold).ConfigureAwait(false);
            if (expired > 0)
            {
                ModulesLog.ArchiveExpired(_logger, expired, threshold);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ModulesLog.StoreFailed(_logger, "archive retention", ex);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
