using System.Globalization;
using System.Runtime.CompilerServices;
using HighPerf.Xmpp.Core.Addressing.Unicode;

namespace HighPerf.Xmpp.Core.Tests.Addressing;

public class NfcConformanceTests
{
    [Fact]
    public void Matches_the_Unicode_16_NormalizationTest_sample()
    {
        var failures = new List<string>();
        var lines = 0;
        foreach (var line in File.ReadLines(DataPath()))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            lines++;
            var columns = line.Split(';');
            var source = Parse(columns[0]);
            var expected = Parse(columns[1]);
            var actual = Normalize(source);
            if (!actual.AsSpan().SequenceEqual(expected))
            {
                failures.Add(line);
            }

            // The quick check may say "maybe", never "yes" for text that normalization changes.
            if (Nfc.IsNormalized(source) && !source.AsSpan().SequenceEqual(expected))
            {
                failures.Add("quick check: " + line);
            }
        }

        Assert.True(lines > 5000, $"only {lines} lines read");
        Assert.Empty(failures);
    }

    [Fact]
    public void Composes_hangul_and_reorders_marks()
    {
        Assert.Equal([0xAC00], Normalize([0x1100, 0x1161]));
        Assert.Equal([0xAC01], Normalize([0x1100, 0x1161, 0x11A8]));

        // a + acute (230) + dot below (220) reorders to a + dot below + acute: ạ (U+1EA1) forms, the acute stays.
        Assert.Equal([0x1EA1, 0x0301], Normalize([0x61, 0x0301, 0x0323]));
        Assert.Equal([0x00C5], Normalize([0x212B]));
    }

    internal static int[] Normalize(int[] source)
    {
        var buffer = new int[(source.Length * Nfc.MaxDecompositionLength) + 4];
        var count = 0;
        foreach (var cp in source)
        {
            count = Nfc.AppendDecomposed(cp, buffer, count);
        }

        return buffer[..Nfc.Compose(buffer.AsSpan(0, count))];
    }

    private static int[] Parse(string column)
        => column.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(x => int.Parse(x, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .ToArray();

    private static string DataPath([CallerFilePath] string source = "")
        => Path.Combine(Path.GetDirectoryName(source)!, "NormalizationTest.sample.txt");
}
