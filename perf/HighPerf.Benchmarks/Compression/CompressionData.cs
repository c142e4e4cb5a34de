using System.Text;

namespace HighPerf.Benchmarks.Compression;

/// <summary>
/// What a compressed session carries: <see cref="StanzaCount"/> stanzas with the entropy of real traffic, made
/// with a fixed seed: chat messages with natural-language bodies (some non-ASCII), chat states, receipts,
/// presences with status and entity-capabilities hashes, roster pushes and pings, between 24 contacts on three
/// domains, with random ids and thread ids. Repeating a handful of fixed stanzas instead would flatter small
/// windows (everything repeats within 4 KiB) and every ratio. Each stanza is a separate unit, as the outbound
/// queue hands them to the deflater.
/// </summary>
internal static class CompressionData
{
    public const int StanzaCount = 256;

    private static readonly string[] Words =
    [
        "the", "and", "you", "that", "was", "for", "are", "with", "his", "they", "this", "have", "from", "one", "had",
        "word", "but", "not", "what", "all", "were", "when", "your", "can", "said", "there", "use", "each", "which",
        "she", "how", "their", "will", "other", "about", "out", "many", "then", "them", "these", "some", "her",
        "would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "write", "see", "number", "way",
        "could", "people", "than", "first", "water", "been", "call", "who", "oil", "its", "now", "find", "long",
        "down", "day", "did", "get", "come", "made", "may", "part", "meeting", "tomorrow", "tonight", "lunch",
        "deploy", "build", "server", "release", "ticket", "review", "branch", "merge", "coffee", "train", "late",
        "sorry", "thanks", "great", "sure", "maybe", "later", "morning", "evening", "weekend", "photo", "link",
        "balcony", "orchard", "Verona", "Mantua", "Montague", "Capulet", "friar", "letter", "poison", "dagger",
        "где", "завтра", "спасибо", "привет", "🌹", "😀", "👍", "&lt;3", "&amp;", "k", "ok", "lol", "?", "!",
    ];

    private static readonly string[] Shows = ["away", "chat", "dnd", "xa"];

    public static readonly byte[][] Stanzas = Create();

    public static readonly int TotalBytes = Stanzas.Sum(s => s.Length);

    private static byte[][] Create()
    {
        var random = new Random(20240601);
        var jids = new string[24];
        string[] domains = ["im.example.com", "example.net", "chat.example.org"];
        string[] names = ["juliet", "romeo", "nurse", "mercutio", "benvolio", "tybalt", "friar", "paris"];
        for (var i = 0; i < jids.Length; i++)
        {
            jids[i] = $"{names[i % names.Length]}{(i >= names.Length ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}@{domains[i % domains.Length]}/{Token(random, 6)}";
        }

        var stanzas = new byte[StanzaCount][];
        for (var i = 0; i < stanzas.Length; i++)
        {
            var from = jids[random.Next(jids.Length)];
            var to = jids[random.Next(jids.Length)];
            var id = Token(random, 8);
            var kind = random.Next(100);
            var text = kind switch
            {
                < 40 => $"<message from='{from}' id='{id}' to='{to}' type='chat' xml:lang='en'><body>{Sentence(random)}</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
                < 50 => $"<message from='{from}' id='{id}' to='{to}' type='chat'><body>{Sentence(random)}</body><thread>{Hex(random, 40)}</thread><request xmlns='urn:xmpp:receipts'/></message>",
                < 60 => $"<message from='{from}' id='{id}' to='{to}' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
                < 80 => $"<presence from='{from}' to='{to}'><show>{Shows[random.Next(Shows.Length)]}</show><status>{Sentence(random)}</status><priority>{random.Next(10)}</priority><c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://conversations.im' ver='{Token(random, 27)}='/></presence>",
                < 85 => $"<presence from='{from}' to='{to}' type='unavailable'/>",
                < 90 => $"<iq id='{id}' to='{to}' type='set'><query xmlns='jabber:iq:roster' ver='{random.Next(1000)}'><item jid='{Bare(jids[random.Next(jids.Length)])}' name='{Words[random.Next(Words.Length)]}' subscription='both'><group>Friends</group></item></query></iq>",
                _ => $"<iq from='{from}' id='{id}' to='{to}' type='get'><ping xmlns='urn:xmpp:ping'/></iq>",
            };
            stanzas[i] = Encoding.UTF8.GetBytes(text);
        }

        return stanzas;
    }

    private static string Bare(string jid) => jid[..jid.IndexOf('/', StringComparison.Ordinal)];

    private static string Sentence(Random random)
    {
        var count = random.Next(3, 18);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            text.Append(Words[random.Next(Words.Length)]);
        }

        return text.ToString();
    }

    private static string Token(Random random, int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }

    private static string Hex(Random random, int length) => string.Create(length, random, static (span, r) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = "0123456789abcdef"[r.Next(16)];
        }
    });
}
