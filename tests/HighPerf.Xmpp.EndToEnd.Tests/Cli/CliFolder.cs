using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cli;

/// <summary>A temporary folder with a config file naming a data folder inside it and ephemeral loopback ports.</summary>
public sealed class CliFolder : IDisposable
{
    public CliFolder(string? extraJson = null)
    {
        Path = Directory.CreateTempSubdirectory("hpx-cli-").FullName;
        ConfigPath = System.IO.Path.Combine(Path, "config.json");
        var data = System.IO.Path.Combine(Path, "data").Replace("\\", "\\\\", StringComparison.Ordinal);
        File.WriteAllText(ConfigPath, $$"""
            {
              // Comments are allowed in the config file.
              "dataDirectory": "{{data}}",
              "listeners": { "client": [ "127.0.0.1:0" ], "clientDirectTls": [ "127.0.0.1:0" ] }{{(extraJson is null ? "" : ",\n  " + extraJson)}}
            }
            """);
    }

    public string Path { get; }

    public string ConfigPath { get; }

    public Task<ProcessResult> RunToExitAsync(params string[] arguments)
        => ServerProcess.RunToExitAsync([.. arguments, "--config", ConfigPath]);

    public Task<ProcessResult> RunToExitWithInputAsync(string stdin, params string[] arguments)
        => ServerProcess.RunToExitAsync([.. arguments, "--config", ConfigPath], stdin);

    public ServerProcess StartServer() => ServerProcess.Start(["run", "--config", ConfigPath]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
