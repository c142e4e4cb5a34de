using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace HighPerf.LoadGen;

/// <summary>
/// Runs one scenario: logs N sessions in (ramped, bounded concurrency, spread over source addresses), runs the
/// scenario for --duration, measures the server (CPU, RSS, allocation stats) and itself, and fills a <see cref="Report"/>.
/// Every loop is bounded by count and time.
/// </summary>
internal sealed partial class Runner(Options options)
{
    private readonly Counters _counters = new();
    private readonly LatencyHistogram _latency = new();
    private readonly LatencyHistogram _loginTime = new();
    private readonly List<XmppClient> _clients = [];
    private readonly List<Task> _receivers = [];
    private readonly Report _report = new(options);
    private IPEndPoint _server = null!;
    private RosterRing? _ring;

    public async Task<Report> RunAsync()
    {
        _server = options.Endpoints[0];
        _report.Begin();
        switch (options.Scenario)
        {
            case "idle":
                await IdleAsync();
                break;
            case "chat":
                await LoginAllAsync(rosterFirst: false);
                await ChatAsync();
                break;
            case "roster-presence":
                await RosterPresenceAsync();
                break;
            case "muc":
                await LoginAllAsync(rosterFirst: false);
                await MucAsync();
                break;
            case "detached":
                await DetachedAsync();
                break;
            case "roster-provision":
                await ProvisionRostersAsync();
                break;
            case "login-storm":
                await LoginStormAsync();
                break;
            case "register":
                await RegisterAllAsync();
                break;
            case "s2s-chat":
                await S2sChatAsync();
                break;
            default:
                throw new ArgumentException($"unknown scenario '{options.Scenario}' (idle, chat, s2s-chat, muc, detached, login-storm, roster-presence, roster-provision, register)");
        }

        _report.DisconnectedEarly = Volatile.Read(ref _counters.Disconnected);
        await CloseAllAsync();
        _report.Finish(_counters, _latency, _loginTime);
        return _report;
    }

    /// <summary>Opens, authenticates and binds every session, sends initial presence, starts its receive loop.</summary>
    private Task LoginAllAsync(bool rosterFirst) => LoginRangeAsync(rosterFirst, 0, options.Users);

    /// <summary>As <see cref="LoginAllAsync"/> for sessions <paramref name="first"/> … <paramref name="end"/> − 1.</summary>
    private Task LoginRangeAsync(bool rosterFirst, int first, int end) => LoginRangeAsync(rosterFirst, first, end, options, null, _clients);

    /// <summary>As <see cref="LoginAllAsync"/> for sessions <paramref name="first"/> … <paramref name="end"/> − 1 of
    /// the server <paramref name="target"/> names, at <paramref name="endPoint"/> (null: each at its placement's
    /// endpoint, <see cref="Options.EndpointOf"/>); established ones join <paramref name="into"/>.</summary>
    private async Task LoginRangeAsync(bool rosterFirst, int first, int end, Options target, IPEndPoint? endPoint, List<XmppClient> into)
    {
        if (first == 0)
        {
            _report.MarkBaseline();
            _report.PresenceBeforeLogin = Volatile.Read(ref _counters.PresenceReceived);
        }

        var window = new SemaphoreSlim(options.Concurrency);
        var pending = new List<Task>(end - first);
        var clock = Stopwatch.StartNew();
        for (var i = first; i < end; i++)
        {
            // Ramp: at most --ramp new sessions per second.
            while (options.Ramp > 0 && i - first > options.Ramp * clock.Elapsed.TotalSeconds)
            {
                await Task.Delay(5);
            }

            await window.WaitAsync();
            var index = i;
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    await LoginOneAsync(index, rosterFirst, target, endPoint, into);
                }
                finally
                {
                    window.Release();
                }
            }));
        }

        await Task.WhenAll(pending);
        _report.LoginSeconds = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[loadgen] {_counters.Established} sessions established, {_counters.Failed} failed in {clock.Elapsed.TotalSeconds:F1} s"));
    }

    private async Task LoginOneAsync(int index, bool rosterFirst, Options target, IPEndPoint? endPoint, List<XmppClient> into)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.LoginTimeoutSeconds));
        XmppClient? client = null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            client = await XmppClient.ConnectAsync(target.SourceAddress(index), endPoint ?? target.EndpointOf(index), index, timeout.Token);
            client.Ring = _ring;
            await client.LoginAsync(target, target.UserName(index), "lg" + index.ToString(CultureInfo.InvariantCulture), timeout.Token);
            if (rosterFirst)
            {
                Interlocked.Add(ref _counters.RosterItems, await client.FetchRosterAsync(timeout.Token));
            }

            await client.SendAsync("<presence/>"u8.ToArray(), timeout.Token);
            _loginTime.Record((long)Stopwatch.GetElapsedTime(started).TotalNanoseconds);
            Interlocked.Increment(ref _counters.Established);
            lock (_clients)
            {
                into.Add(client);
                _receivers.Add(client.ReceiveLoopAsync(_counters, _latency));
            }
        }
        catch (Exception ex)
        {
            _counters.Fail(Step(ex, timeout.IsCancellationRequested));
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static string Step(Exception ex, bool timedOut) => ex switch
    {
        LoginException login => login.Step,
        _ when timedOut => "timeout",
        System.Net.Sockets.SocketException socket => "connect:" + socket.SocketErrorCode,
        System.Security.Authentication.AuthenticationException => "tls",
        _ => ex.GetType().Name,
    };

    private async Task CloseAllAsync()
    {
        XmppClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        foreach (var chunk in clients.Chunk(1000))
        {
            await Task.WhenAll(chunk.Select(c => c.CloseStreamAsync()));
            await Task.WhenAll(chunk.Select(c => c.DisposeAsync().AsTask()));
        }

        var all = Task.WhenAll(_receivers);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10)));
    }
}
