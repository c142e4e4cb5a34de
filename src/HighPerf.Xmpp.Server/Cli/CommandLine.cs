using System.CommandLine;
using System.Runtime.InteropServices;
using HighPerf.Xmpp.Server.Configuration;
using HighPerf.Xmpp.Server.Hosting;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.Server.Cli;

/// <summary>The highperf-xmpp command line: run, adduser, passwd, deluser, cert.</summary>
internal static class CommandLine
{
    public static RootCommand Build()
    {
        var config = new Option<string?>("--config", "-c") { Description = "JSON configuration file (default: embedded defaults)", Recursive = true };
        var jid = new Argument<string>("jid") { Description = "the account's bare JID, e.g. alice@localhost" };
        var password = new Argument<string?>("password") { Description = "the password (prompted when omitted)", Arity = ArgumentArity.ZeroOrOne };

        var run = new Command("run", "Run the server until SIGINT or SIGTERM");
        run.SetAction((result, cancel) => RunAsync(result.GetValue(config)));

        var addUser = new Command("adduser", "Create an account") { jid, password };
        addUser.SetAction((result, cancel) => WithConfig(result.GetValue(config), c => UserCommands.AddUserAsync(c, result.GetValue(jid)!, result.GetValue(password))));

        var passwd = new Command("passwd", "Change an account's password") { jid, password };
        passwd.SetAction((result, cancel) => WithConfig(result.GetValue(config), c => UserCommands.ChangePasswordAsync(c, result.GetValue(jid)!, result.GetValue(password))));

        var delUser = new Command("deluser", "Delete an account with its roster, offline messages and private data") { jid };
        delUser.SetAction((result, cancel) => WithConfig(result.GetValue(config), c => UserCommands.DeleteUserAsync(c, result.GetValue(jid)!)));

        var cert = new Command("cert", "Print (creating it if needed) the server certificate and its SHA-256 fingerprint");
        cert.SetAction((result, cancel) => WithConfig(result.GetValue(config), PrintCertificateAsync));

        var root = new RootCommand("HighPerf XMPP server") { config, run, addUser, passwd, delUser, cert, BulkAddUsers(config) };
        AdminCommands.AddTo(root, config);
        root.SetAction((result, cancel) => RunAsync(result.GetValue(config)));
        return root;
    }

    /// <summary>Hidden, benchmark-only (perf/): see <see cref="BenchCommands"/>.</summary>
    private static Command BulkAddUsers(Option<string?> config)
    {
        var prefix = new Argument<string>("prefix");
        var count = new Argument<int>("count");
        var password = new Argument<string>("password");
        var first = new Option<int>("--first") { DefaultValueFactory = _ => 1 };
        var sharedSalt = new Option<bool>("--shared-salt");
        var command = new Command("adduser-bulk", "Create PREFIX1..PREFIXn benchmark accounts") { prefix, count, password, first, sharedSalt };
        command.Hidden = true;
        command.SetAction((result, cancel) => WithConfig(result.GetValue(config), c => BenchCommands.AddUsersAsync(
            c, result.GetValue(prefix)!, result.GetValue(count), result.GetValue(password)!, result.GetValue(first), result.GetValue(sharedSalt))));
        return command;
    }

    private static async Task<int> WithConfig(string? path, Func<ServerConfig, Task<int>> action)
    {
        ServerConfig config;
        try
        {
            config = ConfigLoader.Load(path);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync($"highperf-xmpp: {ex.Message}");
            return 2;
        }

        return await action(config);
    }

    private static Task<int> RunAsync(string? path) => WithConfig(path, async config =>
    {
        using var loggerFactory = Logging.Create(config);
        var logger = loggerFactory.CreateLogger("HighPerf.Xmpp.Server");
        var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.TrySetResult("SIGINT"); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.TrySetResult("SIGTERM"); });
        ServerHost host;
        try
        {
            host = await ServerHost.StartAsync(config, loggerFactory, configPath: path, reloadOnSighup: true);
        }
        catch (Exception ex) when (ex is ConfigException or IOException or UnauthorizedAccessException or Storage.Abstractions.StoreLockedException or Storage.Abstractions.StoreCorruptException or System.Net.Sockets.SocketException)
        {
            await Console.Error.WriteLineAsync($"highperf-xmpp: cannot start: {ex.Message}");
            return 1;
        }

        using var stats = StatsFileWriter.StartIfRequested(host.Server);
        var reason = await stop.Task;
        await host.StopAsync(reason);
        return 0;
    });

    private static Task<int> PrintCertificateAsync(ServerConfig config)
    {
        if (!string.IsNullOrEmpty(config.Tls.Certificate))
        {
            using var configured = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(config.Tls.Certificate, config.Tls.Key);
            Console.WriteLine($"{config.Tls.Certificate}\nSHA-256 {SelfSignedCertificate.Fingerprint(configured)}");
            return Task.FromResult(0);
        }

        var dataDirectory = Path.GetFullPath(config.DataDirectory);
        foreach (var domain in config.Domains)
        {
            var info = SelfSignedCertificate.EnsureExists(dataDirectory, domain);
            Console.WriteLine($"{domain}: {info.CertificatePath}{(info.Created ? " (created)" : "")}\nSHA-256 {info.Sha256Fingerprint}");
        }

        return Task.FromResult(0);
    }
}
