namespace HighPerf.LoadGen.Tests;

public sealed class PeerPickerTests
{
    private static int[] RoundRobin(int sessions, int nodes) => [.. Enumerable.Range(0, sessions).Select(i => NodePlacement.NodeOf(i, nodes))];

    [Fact]
    public void Uniform_choice_never_picks_the_sender_and_crosses_n_minus_one_of_n_of_the_time()
    {
        var nodeOf = RoundRobin(300, 3);
        var picker = new PeerPicker(nodeOf, 3, crossFraction: -1);

        // Each sender has 199 of its 299 possible peers on the other two nodes.
        Assert.Equal(200.0 / 299, picker.ExpectedCrossFraction, precision: 9);
        var random = new Random(1);
        var crossed = 0;
        const int draws = 60_000;
        for (var i = 0; i < draws; i++)
        {
            var sender = i % nodeOf.Length;
            var peer = picker.Pick(sender, random);
            Assert.NotEqual(sender, peer);
            Assert.InRange(peer, 0, nodeOf.Length - 1);
            crossed += nodeOf[peer] != nodeOf[sender] ? 1 : 0;
        }

        Assert.InRange(crossed / (double)draws, picker.ExpectedCrossFraction - 0.02, picker.ExpectedCrossFraction + 0.02);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(1.0)]
    public void A_given_fraction_crosses_that_often_and_local_peers_stay_on_the_senders_node(double fraction)
    {
        var nodeOf = RoundRobin(90, 3);
        var picker = new PeerPicker(nodeOf, 3, fraction);
        Assert.Equal(fraction, picker.ExpectedCrossFraction, precision: 9);
        var random = new Random(2);
        var crossed = 0;
        const int draws = 40_000;
        for (var i = 0; i < draws; i++)
        {
            var sender = i % nodeOf.Length;
            var peer = picker.Pick(sender, random);
            Assert.NotEqual(sender, peer);
            crossed += nodeOf[peer] != nodeOf[sender] ? 1 : 0;
        }

        Assert.InRange(crossed / (double)draws, fraction - 0.02, fraction + 0.02);
    }

    [Fact]
    public void Every_other_session_of_a_node_is_reachable_as_a_local_peer()
    {
        var nodeOf = RoundRobin(12, 3);
        var picker = new PeerPicker(nodeOf, 3, crossFraction: 0);
        var random = new Random(3);
        var seen = Enumerable.Range(0, 200).Select(_ => picker.Pick(4, random)).ToHashSet();
        Assert.Equal([1, 7, 10], seen.Order());
    }

    [Fact]
    public void A_sender_alone_on_its_node_sends_across_and_a_single_node_never_crosses()
    {
        // Node 1 holds session 1 only: its messages must cross even at fraction 0.
        int[] nodeOf = [0, 1, 0, 0];
        var picker = new PeerPicker(nodeOf, 2, crossFraction: 0);
        var random = new Random(4);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(0, nodeOf[picker.Pick(1, random)]));
        Assert.Equal(0.25, picker.ExpectedCrossFraction, precision: 9);

        var single = new PeerPicker(RoundRobin(5, 1), 1, crossFraction: 1);
        Assert.Equal(0, single.ExpectedCrossFraction);
        Assert.All(Enumerable.Range(0, 50), i => Assert.NotEqual(i % 5, single.Pick(i % 5, random)));
    }

    [Fact]
    public void Fewer_than_two_sessions_or_a_fraction_above_one_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new PeerPicker([0], 1, -1));
        Assert.Throws<ArgumentException>(() => new PeerPicker([0, 1], 2, 1.01));
    }
}
