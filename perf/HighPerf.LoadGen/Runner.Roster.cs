using System.Diagnostics;
using System.Globalization;

namespace HighPerf.LoadGen;

/// <summary>
/// roster-provision: gives every user a roster of --contacts contacts through the protocol (RFC 6121 subscription
/// requests and approvals, see <see cref="RosterRing"/>), so the same rosters exist on every server whatever its
/// storage. roster-presence: N users with those rosters log in (roster fetch, then initial presence); the server
/// broadcasts each login's presence to the online contacts and sends it theirs. The measured window is the login
/// phase: logins/s, presences delivered/s, server CPU per login.
/// </summary>
internal sealed partial class Runner
{
    private async Task ProvisionRostersAsync()
    {
        var ring = new RosterRing(options);
        _ring = ring;
        // Roster first: servers deliver subscription requests only to "interested" resources, those that have
        // requested the roster (RFC 6121 §2.1.6; Prosody and ejabberd apply it).
        await LoginAllAsync(rosterFirst: true);
        XmppClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        var clock = Stopwatch.StartNew();
        foreach (var chunk in clients.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(async c =>
            {
                foreach (var target in ring.Targets(c.Index))
                {
                    await c.SendTextAsync($"<presence type='subscribe' to='{target}'/>", CancellationToken.None);
                }
            }));
        }

        var expected = (long)ring.ExpectedPerUser * clients.Length;
        var limit = TimeSpan.FromSeconds(Math.Max(60, options.DrainSeconds));
        while (Volatile.Read(ref _counters.Subscribed) < expected && clock.Elapsed < limit)
        {
            await Task.Delay(100);
        }

        // Approvals are the last stanzas each side sends; give the server a moment to store the final roster states.
        await Task.Delay(1000);
        _report.LoginSeconds = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[loadgen] rosters: {_counters.Subscribed} of {expected} approvals received in {clock.Elapsed.TotalSeconds:F1} s"));
    }

    private async Task RosterPresenceAsync()
    {
        _report.MarkWindowStart();
        await LoginAllAsync(rosterFirst: true);
        // Presence broadcasts of the last logins are still in flight; the window closes once they have arrived.
        var settle = Stopwatch.StartNew();
        long seen;
        do
        {
            seen = Volatile.Read(ref _counters.PresenceReceived);
            await Task.Delay(500);
        }
        while (Volatile.Read(ref _counters.PresenceReceived) != seen && settle.Elapsed.TotalSeconds < options.DrainSeconds);

        _report.MarkWindowEnd();
        _report.SendSeconds = _report.LoginSeconds;
        await _report.MarkLoadedAsync();
    }
}
