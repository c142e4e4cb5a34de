using System.Text;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.Storage.Faster;

namespace HighPerf.Xmpp.Storage.CrashWriter;

/// <summary>
/// Usage: <c>CrashWriter &lt;folder&gt; &lt;round&gt;</c>. Opens the store, prints <c>READY$</c>, then writes
/// accounts, roster items, offline messages and user documents from several concurrent workers until killed,
/// printing one line per acknowledged write (the write's task completed, so it must survive a SIGKILL):
/// <c>A user seed$</c>, <c>R user contact index$</c>, <c>O user stanza$</c>, <c>D user key index$</c>.
/// Lines end with '$' so that a line cut by the kill is recognised and ignored. Names include the round, so
/// every round adds new data to the same folder.
/// </summary>
internal static class Program
{
    private const int Workers = 8;

    private static readonly Lock OutputLock = new();
    private static readonly StreamWriter Output = new(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };

    private static async Task<int> Main(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[1], out var round))
        {
            await Console.Error.WriteLineAsync("usage: CrashWriter <folder> <round>");
            return 2;
        }

        // Small checkpoint thresholds so that kills also land during checkpoints and log truncation.
        var store = FasterDataStore.Open(new StoreOptions
        {
            Directory = args[0],
            OfflineMessagesPerUser = 1_000_000,
            CheckpointLogBytes = 512 * 1024,
            CheckpointInterval = TimeSpan.FromMilliseconds(300),
            IndexBuckets = 4096,
        });
        Print("READY");
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkAsync(store, round, w))));
        return 0;
    }

    private static async Task WorkAsync(IDataStore store, int round, int worker)
    {
        var user = $"r{round}w{worker}@crash.test";
        var userBytes = Encoding.UTF8.GetBytes(user);
        for (var i = 0; ; i++)
        {
            switch (i % 4)
            {
                case 0:
                    var account = $"r{round}w{worker}a{i}@crash.test";
                    var seed = (round * 1000 + worker) * 100_000 + i;
                    if (await store.Accounts.CreateAsync(Encoding.UTF8.GetBytes(account), AccountFactory.Make(seed)))
                        Print($"A {account} {seed}");
                    break;
                case 1:
                    var contact = $"c{i % 5000}@contacts.test";
                    await store.Rosters.SetAsync(userBytes, new RosterItemRecord { Jid = Encoding.UTF8.GetBytes(contact), Name = Encoding.UTF8.GetBytes($"n{i}"), Groups = [Encoding.UTF8.GetBytes("G")] });
                    Print($"R {user} {contact} {i}");
                    break;
                case 2:
                    var stanza = $"<message to='{user}' id='m{i}'><body>{new string('x', i % 300)}</body></message>";
                    if (await store.Offline.AppendAsync(userBytes, Encoding.UTF8.GetBytes(stanza)) == OfflineAppendResult.Stored)
                        Print($"O {user} {stanza}");
                    break;
                default:
                    var key = $"k{i % 7}";
                    await store.UserData.SetAsync(userBytes, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"{i}"));
                    Print($"D {user} {key} {i}");
                    break;
            }
        }
    }

    private static void Print(string line)
    {
        lock (OutputLock)
            Output.Write(line + "$\n");
    }
}
