namespace HighPerf.LoadGen;

/// <summary>
/// Chooses the recipient of each chat message among the established sessions (by position), knowing the node each
/// one is on. With a cross-node fraction f in [0, 1] a message goes to a session on another node with probability f
/// and to another session of the sender's own node otherwise (when one side is empty, the other is used); with
/// f &lt; 0 every other session is equally likely, which with N equal nodes makes (N − 1)/N of the messages cross.
/// <see cref="ExpectedCrossFraction"/> is what the placement predicts; the run measures the real fraction from the
/// nodes' link counters.
/// </summary>
internal sealed class PeerPicker
{
    private readonly int[] _nodeOf;
    private readonly int[][] _byNode;
    private readonly double _crossFraction;

    /// <param name="nodeOf">The node of the session at each position.</param>
    public PeerPicker(int[] nodeOf, int nodes, double crossFraction)
    {
        ArgumentNullException.ThrowIfNull(nodeOf);
        if (nodeOf.Length < 2)
        {
            throw new ArgumentException("at least two sessions are needed to pick peers", nameof(nodeOf));
        }

        if (crossFraction > 1 || double.IsNaN(crossFraction))
        {
            throw new ArgumentException("the cross-node fraction is at most 1 (negative: uniform)", nameof(crossFraction));
        }

        _nodeOf = nodeOf;
        _crossFraction = crossFraction;
        var lists = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();
        for (var position = 0; position < nodeOf.Length; position++)
        {
            lists[nodeOf[position]].Add(position);
        }

        _byNode = [.. lists.Select(l => l.ToArray())];
        ExpectedCrossFraction = Enumerable.Range(0, nodeOf.Length).Average(CrossProbability);
    }

    public int Count => _nodeOf.Length;

    /// <summary>The mean, over senders (each sends equally often), of the probability that its message crosses nodes.</summary>
    public double ExpectedCrossFraction { get; }

    /// <summary>A recipient for the session at <paramref name="sender"/>: never the sender itself.</summary>
    public int Pick(int sender, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var own = _byNode[_nodeOf[sender]];
        var others = Count - own.Length;
        if (_crossFraction < 0)
        {
            var any = random.Next(Count - 1);
            return any >= sender ? any + 1 : any;
        }

        var cross = others > 0 && (own.Length < 2 || random.NextDouble() < _crossFraction);
        if (!cross)
        {
            var local = random.Next(own.Length - 1);
            var at = Array.BinarySearch(own, sender);
            return own[local >= at ? local + 1 : local];
        }

        // The r-th session not on the sender's node.
        var r = random.Next(others);
        foreach (var list in _byNode)
        {
            if (ReferenceEquals(list, own))
            {
                continue;
            }

            if (r < list.Length)
            {
                return list[r];
            }

            r -= list.Length;
        }

        throw new InvalidOperationException("unreachable: r is below the count of other nodes' sessions");
    }

    private double CrossProbability(int sender)
    {
        var own = _byNode[_nodeOf[sender]].Length;
        var others = Count - own;
        if (_crossFraction < 0)
        {
            return others / (double)(Count - 1);
        }

        return others == 0 ? 0 : own < 2 ? 1 : _crossFraction;
    }
}
