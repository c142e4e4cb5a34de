using Garnet;

using var server = new GarnetServer(args);
server.Start();
Console.WriteLine("garnet ready");
Thread.Sleep(Timeout.Infinite);
