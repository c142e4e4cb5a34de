using System.Diagnostics;
using System.Globalization;

namespace HighPerf.LoadGen;

/// <summary>
/// login-storm: --concurrency workers connect, authenticate, bind, send presence and close, as fast as the server
/// answers, for --duration, cycling through the --users accounts; and register: XEP-0077 accounts for peers that
/// have no faster bulk path.
/// </summary>
internal sealed partial class Runner
{
    private async Task LoginStormAsync()
    {
        _report.MarkBaseline();
        await _report.MarkLoadedAsync();
        _report.MarkWindowStart();
        var deadline = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (deadline.Elapsed < duration)
            {
                var index = (int)((uint)Interlocked.Increment(ref next) % (uint)options.Users);
                await StormOneAsync(index);
            }
        })));
        _report.MarkWindowEnd();
        _report.LoginSeconds = deadline.Elapsed.TotalSeconds;
    }

    private async Task StormOneAsync(int index)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.LoginTimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        XmppClient? client = null;
        try
        {
            client = await XmppClient.ConnectAsync(options.SourceAddress(index), _server, index, timeout.Token);
            await client.LoginAsync(options, options.UserName(index), "storm", timeout.Token);
            await client.SendAsync("<presence/>"u8.ToArray(), timeout.Token);
            _loginTime.Record((long)Stopwatch.GetElapsedTime(started).TotalNanoseconds);
            Interlocked.Increment(ref _counters.Established);
            await client.CloseStreamAsync();
        }
        catch (Exception ex)
        {
            _counters.Fail(Step(ex, timeout.IsCancellationRequested));
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    private async Task RegisterAllAsync()
    {
        var created = 0L;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(options.Concurrency, options.Users)).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < options.Users)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.LoginTimeoutSeconds));
                XmppClient? client = null;
                try
                {
                    // Registration throttles are usually relaxed for 127.0.0.1 only.
                    client = await XmppClient.ConnectAsync(System.Net.IPAddress.Loopback, _server, index, timeout.Token);
                    if (await client.RegisterAsync(options, options.UserName(index), timeout.Token))
                    {
                        Interlocked.Increment(ref created);
                    }

                    Interlocked.Increment(ref _counters.Established);
                    await client.CloseStreamAsync();
                }
                catch (Exception ex)
                {
                    _counters.Fail(Step(ex, timeout.IsCancellationRequested));
                }
                finally
                {
                    if (client is not null)
                    {
                        await client.DisposeAsync();
                    }
                }
            }
        })));
        _report.LoginSeconds = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[loadgen] registered {created} new, {_counters.Established - created} existing, {_counters.Failed} failed in {clock.Elapsed.TotalSeconds:F1} s"));
    }
}
