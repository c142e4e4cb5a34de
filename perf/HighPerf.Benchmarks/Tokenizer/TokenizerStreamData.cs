using System.Text;

namespace HighPerf.Benchmarks.Tokenizer;

/// <summary>
/// A realistic client stream: the stream header, then <see cref="StanzaCount"/> stanzas drawn with a fixed
/// seed from the real chat messages, presences and iqs in Data/client-stanzas.xml (about 150-250 bytes
/// each), with the occasional whitespace keepalive, then the closing tag.
/// </summary>
internal static class TokenizerStreamData
{
    public const int StanzaCount = 2000;

    private const string Header =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
        "from='juliet@im.example.com' to='im.example.com' version='1.0' xml:lang='en'>";

    public static byte[] Create()
    {
        var stanzas = File.ReadAllLines(FindDataFile("client-stanzas.xml")).Where(line => line.Length > 0).ToArray();
        var random = new Random(20240601);
        var text = new StringBuilder(Header);
        for (var i = 0; i < StanzaCount; i++)
        {
            text.Append(stanzas[random.Next(stanzas.Length)]);
            if (i % 16 == 15)
            {
                text.Append(' ');
            }
        }

        text.Append("</stream:stream>");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Data files are copied next to the benchmark assembly; when BenchmarkDotNet runs from its own
    /// build folder they may not be, so the source tree is searched upwards as well.</summary>
    private static string FindDataFile(string name)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(directory.FullName, "Data", name), Path.Combine(directory.FullName, "perf", "HighPerf.Benchmarks", "Data", name) })
                {
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        throw new FileNotFoundException("Benchmark data not found", name);
    }
}
