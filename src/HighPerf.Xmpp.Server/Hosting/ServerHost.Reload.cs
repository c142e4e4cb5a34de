using System.Runtime.InteropServices;
using System.Text.Json;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Control;

namespace HighPerf.Xmpp.Server.Hosting;

/// <summary>
/// reload (control socket or SIGHUP): re-reads the configuration file and the TLS certificates without dropping a
/// session. New certificates serve connections from then on; existing ones keep theirs. Other changed settings
/// are named in the reply and the log as needing a restart: listeners, limits and modules are wired at start.
/// </summary>
public sealed partial class ServerHost
{
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private PosixSignalRegistration? _sighup;

    /// <summary>The configuration file the host was started from (null: the embedded defaults).</summary>
    public string? ConfigPath { get; private set; }

    /// <summary>Re-reads the configuration and the certificates; the reply says what took effect.</summary>
    public async Task<ControlReply> ReloadAsync(string trigger)
    {
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            ServerConfig loaded;
            try
            {
                loaded = ConfigLoader.Load(ConfigPath);
            }
            catch (ConfigException ex)
            {
                ServerLog.ReloadFailed(_logger, trigger, ex.Message);
                return ControlReply.Failed($"Not reloaded: {ex.Message}");
            }

            var lines = new List<string>();
            if (_tls is not null)
            {
                try
                {
                    _tls.Reload(CertificateFiles(loaded, Path.GetFullPath(loaded.DataDirectory), _logger));
                    lines.Add($"TLS certificates reloaded ({_tls.Engine}).");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidOperationException or ArgumentException)
                {
                    ServerLog.ReloadFailed(_logger, trigger, ex.Message);
                    return ControlReply.Failed($"TLS certificates not reloaded (the old ones stay in use): {ex.Message}");
                }
            }

            var restart = ChangedSections(Config, loaded);
            if (restart.Count > 0)
            {
                lines.Add($"Changed, taking effect at the next restart: {string.Join(", ", restart)}.");
            }

            ServerLog.Reloaded(_logger, trigger, string.Join(" ", lines));
            return ControlReply.Ok(string.Join('\n', lines));
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>Top-level sections (and tls keys other than the certificate files) that differ.</summary>
    private static List<string> ChangedSections(ServerConfig running, ServerConfig loaded)
    {
        var before = JsonSerializer.SerializeToElement(running, ServerConfigJsonContext.Default.ServerConfig);
        var after = JsonSerializer.SerializeToElement(loaded, ServerConfigJsonContext.Default.ServerConfig);
        var changed = new List<string>();
        foreach (var property in after.EnumerateObject())
        {
            if (property.Name == "tls")
            {
                foreach (var key in property.Value.EnumerateObject())
                {
                    if (key.Name is not ("certificate" or "key") && key.Value.GetRawText() != before.GetProperty("tls").GetProperty(key.Name).GetRawText())
                    {
                        changed.Add("tls." + key.Name);
                    }
                }
            }
            else if (!before.TryGetProperty(property.Name, out var old) || old.GetRawText() != property.Value.GetRawText())
            {
                changed.Add(property.Name);
            }
        }

        return changed;
    }

    /// <summary>Starts the control socket and, for the CLI's run command, the SIGHUP handler.</summary>
    private void StartOperations(string? configPath, bool reloadOnSighup)
    {
        ConfigPath = configPath is null ? null : Path.GetFullPath(configPath);
        if (Config.Control.Enabled)
        {
            _control = ControlServer.Start(Config.ControlSocketPath(), this, _logger);
        }

        if (reloadOnSighup)
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = ReloadAsync("SIGHUP");
            });
        }
    }

    private async Task StopOperationsAsync()
    {
        _sighup?.Dispose();
        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
        }
    }
}
