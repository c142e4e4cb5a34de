using System.Diagnostics;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>Runs a client program (openssl, python3) with a time limit; the test is skipped when it is absent.</summary>
internal static class ExternalProcess
{
    public static string? Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, IEnumerable<string> arguments, string? input, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            await process.StandardInput.FlushAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in {timeout}: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Starts <paramref name="file"/>, writes <paramref name="input"/> and keeps stdin open until stdout shows
    /// <paramref name="expected"/> (an echo), then closes stdin: clients like s_client quit at stdin EOF.
    /// </summary>
    public static async Task<(string Output, string Error)> EchoAsync(string file, IEnumerable<string> arguments, string input, string expected, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        await process.StandardInput.FlushAsync();
        using var cancel = new CancellationTokenSource(timeout);
        var output = new System.Text.StringBuilder();
        var chunk = new char[4096];
        try
        {
            while (!output.ToString().Contains(expected, StringComparison.Ordinal))
            {
                var n = await process.StandardOutput.ReadAsync(chunk, cancel.Token);
                if (n == 0)
                {
                    break;
                }

                output.Append(chunk, 0, n);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not echo in {timeout}; output: {output}; error: {await error}");
        }

        return (output.ToString(), await error);
    }
}
