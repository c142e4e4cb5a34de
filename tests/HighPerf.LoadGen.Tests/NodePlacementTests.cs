using System.Net;

namespace HighPerf.LoadGen.Tests;

public sealed class NodePlacementTests
{
    [Fact]
    public void Endpoints_are_host_port_pairs_or_bare_ports_on_the_default_host()
    {
        var endpoints = NodePlacement.ParseEndpoints("127.0.0.1:5222, 5232,127.0.0.3:5242,[::1]:5252", "127.0.0.2");
        Assert.Equal(
            [new IPEndPoint(IPAddress.Parse("127.0.0.1"), 5222), new IPEndPoint(IPAddress.Parse("127.0.0.2"), 5232),
             new IPEndPoint(IPAddress.Parse("127.0.0.3"), 5242), new IPEndPoint(IPAddress.IPv6Loopback, 5252)],
            endpoints);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("localhost:5222")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("::1")]
    [InlineData("127.0.0.1:5222:1")]
    public void Anything_else_is_refused_with_an_argument_error(string text)
        => Assert.Throws<ArgumentException>(() => NodePlacement.ParseEndpoints(text, "127.0.0.1"));

    [Fact]
    public void Sessions_go_round_robin_by_user_index()
    {
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Enumerable.Range(0, 7).Select(i => NodePlacement.NodeOf(i, 3)));
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(0, NodePlacement.NodeOf(i, 1)));
    }

    [Fact]
    public void Options_place_session_i_at_endpoint_i_mod_n_and_default_to_host_and_port()
    {
        var spread = Options.Parse(["chat", "--endpoints", "5222,5232,5242", "--host", "127.0.0.1"]);
        Assert.Equal([5222, 5232, 5242, 5222], Enumerable.Range(0, 4).Select(i => spread.EndpointOf(i).Port));

        var single = Options.Parse(["chat", "--port", "5299"]);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5299), Assert.Single(single.Endpoints));
        Assert.Equal(5299, single.EndpointOf(7).Port);
    }

    [Fact]
    public void Server_pids_are_a_list_whose_first_is_the_measured_memory()
    {
        var options = Options.Parse(["chat", "--server-pid", "11,22,33", "--metrics", "9464,127.0.0.1:9474"]);
        Assert.Equal([11, 22, 33], options.ServerPids);
        Assert.Equal(11, options.ServerPid);
        Assert.Equal([9464, 9474], options.MetricsEndpoints.Select(e => e.Port));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("NaN")]
    public void A_cross_node_fraction_above_one_is_refused(string fraction)
        => Assert.Throws<ArgumentException>(() => Options.Parse(["chat", "--cross-node", fraction]));
}
