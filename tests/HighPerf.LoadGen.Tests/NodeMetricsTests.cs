namespace HighPerf.LoadGen.Tests;

public sealed class NodeMetricsTests
{
    private const string Node = """
        # HELP xmpp_stanzas_in_total Stanzas received from bound clients, by kind
        # TYPE xmpp_stanzas_in_total counter
        xmpp_stanzas_in_total{kind="message"} 1000
        xmpp_stanzas_in_total{kind="presence"} 30
        xmpp_stanzas_in_total_extra{kind="message"} 5
        # TYPE xmpp_cluster_link_stanzas_total counter
        xmpp_cluster_link_stanzas_total{direction="sent"} 640
        xmpp_cluster_link_stanzas_total{direction="received"} 655
        xmpp_cluster_link_data_bytes_total{direction="sent"} 128000
        xmpp_cluster_link_data_bytes_total{direction="received"} 131000
        xmpp_bytes_out_bytes_total 2.5e5

        """;

    [Fact]
    public void One_nodes_text_gives_its_message_link_and_byte_counters()
    {
        var metrics = NodeMetrics.Parse(Node.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(new NodeMetrics(1000, 640, 655, 128000, 250000, 1), metrics);
    }

    [Fact]
    public void A_sample_matches_its_name_exactly_and_every_sample_with_the_label_is_summed()
    {
        Assert.Equal(1030, NodeMetrics.Value(Node, "xmpp_stanzas_in_total", null));
        Assert.Equal(0, NodeMetrics.Value(Node, "xmpp_stanzas_in", null));
        Assert.Equal(0, NodeMetrics.Value("", "xmpp_stanzas_in_total", null));
    }

    [Fact]
    public void Nodes_add_up_and_the_window_is_after_minus_before()
    {
        var before = NodeMetrics.Parse(Node).Add(NodeMetrics.Parse(Node));
        var after = before.Add(new NodeMetrics(10, 6, 6, 1200, 900, 0));
        Assert.Equal(new NodeMetrics(10, 6, 6, 1200, 900, 2), after.Minus(before));
    }
}
