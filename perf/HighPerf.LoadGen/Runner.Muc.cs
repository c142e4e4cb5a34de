using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace HighPerf.LoadGen;

/// <summary>
/// The muc scenario (XEP-0045): the sessions are spread over --rooms rooms (session i in room i % rooms, so M = users /
/// rooms occupants each). Each room's first session creates it and accepts the default configuration (an instant room),
/// then everyone enters without history; once the presence storm of entering has settled, each occupant sends --rate
/// groupchat messages per second to its room, with its send timestamp in the body. Every copy the room reflects
/// (to all M occupants, the sender included) counts as delivered, so delivered/s is copies/s and the server CPU per
/// delivered message is CPU per delivered copy.
/// </summary>
internal sealed partial class Runner
{
    private async Task MucAsync()
    {
        XmppClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        var rooms = Math.Max(1, Math.Min(options.Rooms, clients.Length));
        var occupants = clients.Length / rooms;
        if (occupants < 2)
        {
            Console.Error.WriteLine("[loadgen] muc needs at least 2 sessions per room");
            return;
        }

        clients = clients.OrderBy(c => c.Index).Take(rooms * occupants).ToArray();
        var roomJids = Enumerable.Range(0, rooms).Select(r => Encoding.UTF8.GetBytes($"bench{r}@{options.MucService}")).ToArray();
        var clock = Stopwatch.StartNew();

        // Creators first: the room exists (and is unlocked) before the others knock.
        for (var r = 0; r < rooms; r++)
        {
            await clients[r].SendTextAsync(JoinPresence(roomJids[r], clients[r]), CancellationToken.None);
            var maxUsers = occupants > 100 ? $"<field var='muc#roomconfig_maxusers'><value>{occupants}</value></field>" : "";
            await clients[r].SendTextAsync(
                $"<iq type='set' id='create{r}' to='{Encoding.UTF8.GetString(roomJids[r])}'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                + $"<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>{maxUsers}</x></query></iq>",
                CancellationToken.None);
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        var window = new SemaphoreSlim(options.Concurrency);
        await Task.WhenAll(clients.Skip(rooms).Select(async client =>
        {
            await window.WaitAsync();
            try
            {
                await client.SendTextAsync(JoinPresence(roomJids[client.Index % rooms], client), CancellationToken.None);
            }
            finally
            {
                window.Release();
            }
        }));

        // Entering costs every occupant a presence per newcomer: wait until that storm is over (bounded).
        long last = -1;
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed.TotalSeconds < 60)
        {
            await Task.Delay(1000);
            var now = Volatile.Read(ref _counters.PresenceReceived);
            if (now == last)
            {
                break;
            }

            last = now;
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[loadgen] {rooms} rooms of {occupants} occupants entered in {clock.Elapsed.TotalSeconds:F1} s ({_counters.PresenceReceived} presences)"));

        var pacers = Math.Max(1, Math.Min(Environment.ProcessorCount, clients.Length / 2));
        var total = options.Rate * clients.Length;
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        _report.TargetRate = total;
        _report.CopiesPerMessage = occupants;
        await _report.MarkLoadedAsync();
        _report.MarkWindowStart();
        var lag = await Task.WhenAll(Enumerable.Range(0, pacers).Select(p =>
            Task.Run(() => PaceGroupchatAsync(clients.Where((_, i) => i % pacers == p).ToArray(), roomJids, total / pacers, duration))));
        _report.SendSeconds = duration.TotalSeconds;
        _report.PacerBehind = lag.Sum();

        var drain = Stopwatch.StartNew();
        while (Volatile.Read(ref _counters.Delivered) + Volatile.Read(ref _counters.MessageErrors) < Volatile.Read(ref _counters.Sent) * occupants
            && drain.Elapsed.TotalSeconds < options.DrainSeconds)
        {
            await Task.Delay(50);
        }

        _report.MarkWindowEnd();
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[loadgen] sent {_counters.Sent} groupchat messages, delivered {_counters.Delivered} copies of {_counters.Sent * occupants} (drain {drain.Elapsed.TotalSeconds:F1} s)"));
    }

    private static string JoinPresence(byte[] room, XmppClient client)
        => $"<presence to='{Encoding.UTF8.GetString(room)}/n{client.Index}'><x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>";

    /// <summary>Sends this pacer's share of groupchat messages; returns how many it was behind schedule at the end.</summary>
    private async Task<long> PaceGroupchatAsync(XmppClient[] mine, byte[][] rooms, double rate, TimeSpan duration)
    {
        var buffer = new byte[1024];
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        long sent = 0;
        var next = 0;
        while (clock.Elapsed < duration)
        {
            var due = (long)(rate * clock.Elapsed.TotalSeconds);
            while (sent < due && clock.Elapsed < duration)
            {
                var client = mine[next++ % mine.Length];
                sent++;
                if (client.Closed)
                {
                    continue;
                }

                var length = FormatGroupchat(buffer, rooms[client.Index % rooms.Length]);
                try
                {
                    await client.SendAsync(buffer.AsMemory(0, length));
                    Interlocked.Increment(ref _counters.Sent);
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
                {
                }
            }

            await timer.WaitForNextTickAsync();
        }

        return Math.Max(0, (long)(rate * duration.TotalSeconds) - sent);
    }

    /// <summary>&lt;message to='room' type='groupchat'&gt;&lt;body&gt;L{timestamp}&lt;/body&gt;&lt;/message&gt;; allocation-free.</summary>
    private static int FormatGroupchat(byte[] buffer, byte[] room)
    {
        var span = buffer.AsSpan();
        var at = Write(span, 0, "<message to='"u8);
        at = Write(span, at, room);
        at = Write(span, at, "' type='groupchat'><body>L"u8);
        Utf8Formatter.TryFormat(Stopwatch.GetTimestamp(), span[at..], out var written);
        at += written;
        return Write(span, at, "</body></message>"u8);
    }
}
