using HighPerf.Xmpp.Core.Addressing;

namespace HighPerf.Xmpp.Core.Tests.Addressing;

public class JidAllocationTests
{
    [Fact]
    public void Ascii_path_allocates_nothing()
        => AssertNoAllocation("Juliet@Example.COM/Balcony-1234"u8.ToArray());

    [Fact]
    public void Short_non_ascii_path_allocates_nothing()
        => AssertNoAllocation("ΣΑΣ@BÜCHER.example/téléphone"u8.ToArray());

    private static void AssertNoAllocation(byte[] input)
    {
        var destination = new byte[JidNormalizer.MaxJidBytes];
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(JidError.None, JidNormalizer.TryNormalize(input, destination, out _, out _));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            JidNormalizer.TryNormalize(input, destination, out _, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
