using HighPerf.TlsMemory;

// TLS-level measurements for issue #12: idle memory per connection and CPU per engine.
//   run        drives everything below in child processes and prints the tables (see README.md)
//   server     a DotNetty echo listener behind one TLS engine; answers "stats"/"trim"/"quit" on stdin
//   idle       opens N TLS connections, exchanges one stanza on each, keeps them open until stdin closes
//   handshakes full handshakes in a loop for a while
//   throughput stanza-sized writes echoed through the server for a while
return args.FirstOrDefault() switch
{
    "server" => await ServerMode.RunAsync(Options.Parse(args[1..])),
    "idle" => await IdleClientMode.RunAsync(Options.Parse(args[1..])),
    "handshakes" => await LoadMode.HandshakesAsync(Options.Parse(args[1..])),
    "throughput" => await LoadMode.ThroughputAsync(Options.Parse(args[1..])),
    "run" => await Driver.RunAsync(Options.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: HighPerf.TlsMemory run [--n 10000] [--engines openssl,managed,plain] [--tls 13,12] [--handshakes 2000] [--stanzas 20000]");
    return 2;
}
