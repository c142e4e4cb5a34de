using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit.Scripts;

namespace HighPerf.Xmpp.EndToEnd.Tests.Scripts;

/// <summary>Runs every conversation script in this folder (see README.md) against a fresh server of its own.</summary>
public sealed class ScriptTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Scripts");

    public static TheoryData<string> Scripts()
    {
        var names = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Folder, "*.scs").Order(StringComparer.Ordinal))
        {
            names.Add(Path.GetFileName(path));
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Script_plays_through(string name)
    {
        var script = ScriptParser.Parse(name, await File.ReadAllTextAsync(Path.Combine(Folder, name)));
        Assert.NotEmpty(script.Steps);
        await using var server = await TestServers.StartAsync(users: []);
        await ScriptRunner.RunAsync(script, server).WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Scripts_folder_holds_at_least_the_c2s_scripts()
        => Assert.True(Scripts().Count >= 5, $"expected at least five scripts in {Folder}");
}
